namespace Hearth.Algorithms.Tests.Worker;

/// <summary>Where tests find the repository's examples and their own fixtures, and a scratch directory per test.</summary>
internal static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", "algorithms", name);

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>A fresh directory under the system temp directory; the caller deletes it.</summary>
    public static string Scratch()
    {
        var path = Path.Combine(Path.GetTempPath(), "hearth-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Hearth.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A scratch directory deleted when disposed.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public string Path { get; } = Paths.Scratch();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process of the test may still hold a file; the temp directory is cleaned by the system.
        }
    }
}
