namespace Hearth.Worker.Builds;

/// <summary>
/// The files a build holds: everything under the directory except version-control metadata (<c>.git</c>), in
/// ordinal order of relative path so hashing and archiving are deterministic.
/// </summary>
internal static class BuildTree
{
    /// <summary>A file's Unix mode; Hearth's workers run on Unix, so elsewhere a plain readable file is assumed.</summary>
    public static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead : File.GetUnixFileMode(path);

    public static IReadOnlyList<BuildFile> List(string root)
    {
        var files = new List<BuildFile>();
        Walk(root, "", files);
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }

    private static void Walk(string directory, string prefix, List<BuildFile> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.Name == ".git")
            {
                continue;
            }

            var relative = prefix + entry.Name;
            if (entry.LinkTarget is not null)
            {
                files.Add(new BuildFile(relative, entry.FullName, IsLink: true));
            }
            else if (entry is DirectoryInfo)
            {
                Walk(entry.FullName, relative + "/", files);
            }
            else
            {
                files.Add(new BuildFile(relative, entry.FullName, IsLink: false));
            }
        }
    }
}
