namespace Hearth.Testing;

/// <summary>
/// Removes the default run directories that real worker processes made for one supervisor address
/// (<c>TMP/hearth-worker-UID/NAME@ADDRESS_PORT</c>, and their process records under a memory file system), so that
/// test runs on random ports leave nothing behind.
/// </summary>
internal static class WorkerDirectories
{
    public static void DeleteFor(string address, int port)
    {
        var suffix = "@" + string.Concat($"{address}:{port}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        string?[] roots = [Path.GetTempPath(), Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), "/dev/shm"];
        foreach (var root in roots.Where(r => !string.IsNullOrEmpty(r) && Directory.Exists(r)))
        {
            foreach (var parent in Directory.EnumerateDirectories(root!, "hearth-worker-*"))
            {
                foreach (var directory in Directory.EnumerateDirectories(parent).Where(d => d.EndsWith(suffix, StringComparison.Ordinal)))
                {
                    try
                    {
                        Directory.Delete(directory, recursive: true);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Another user's, or still in use: left in the temporary directory.
                    }
                }
            }
        }
    }
}
