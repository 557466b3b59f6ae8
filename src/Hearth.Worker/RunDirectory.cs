namespace Hearth.Worker;

/// <summary>
/// Where a worker keeps its subjobs' allocation files: one directory per worker process. Each subjob creates and
/// deletes a file there, so a memory file system is preferred, which spares the disk that inode churn: the
/// user's runtime directory (<c>$XDG_RUNTIME_DIR</c>), else <c>/dev/shm</c>, else the temp directory.
/// </summary>
internal static class RunDirectory
{
    public static string Create(string workerName)
    {
        var leaf = Path.Combine("hearth-worker", $"{workerName}-{Environment.ProcessId}");
        string?[] memory = [Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), OperatingSystem.IsLinux() ? "/dev/shm" : null];
        foreach (var root in memory)
        {
            if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
            {
                continue;
            }

            try
            {
                return Directory.CreateDirectory(Path.Combine(root, leaf)).FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to write in (another user made hearth-worker there, say): try the next place.
            }
        }

        return Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), leaf)).FullName;
    }

    /// <summary>Removes a directory made by <see cref="Create"/>, once nothing runs from it.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: what is left is a few small files in a temporary place.
        }
    }
}
