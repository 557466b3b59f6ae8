namespace Hearth.Worker;

/// <summary>
/// Where a worker keeps its subjobs' allocation files when no run directory is configured: one directory per
/// worker process. Each subjob creates and deletes a file there, so a memory file system is preferred, which
/// spares the disk that inode churn: the user's runtime directory (<c>$XDG_RUNTIME_DIR</c>), else
/// <c>/dev/shm</c>, else the worker's run directory itself. Only these small files go there; algorithm builds
/// stay in the run directory.
/// </summary>
internal static class AllocationDirectory
{
    /// <summary>A fresh directory on a memory file system, or null when there is none to write in.</summary>
    public static string? CreateInMemory(string workerName)
    {
        var leaf = Path.Combine("hearth-worker", $"{workerName}-{Environment.ProcessId}");
        string?[] roots = [Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), OperatingSystem.IsLinux() ? "/dev/shm" : null];
        foreach (var root in roots)
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

        return null;
    }

    /// <summary>
    /// The twin of the default run directory <paramref name="runDirectory"/> (<c>.../hearth/workers/NAME@SUPERVISOR</c>)
    /// in the user's runtime directory (<c>$XDG_RUNTIME_DIR/hearth/workers/NAME@SUPERVISOR</c>), where the process
    /// records go so that the file each subjob writes and removes spares the disk. Records only need to outlive
    /// the worker process, not the machine, whose processes end with it. Only the runtime directory qualifies: it
    /// is the user's own (0700), while a shared memory file system such as /dev/shm would let another user plant
    /// records there first. Null when there is none.
    /// </summary>
    public static string? RuntimeTwin(string runDirectory)
    {
        var root = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (string.IsNullOrEmpty(root) || !Path.IsPathRooted(root) || !Directory.Exists(root))
        {
            return null;
        }

        var full = Path.GetFullPath(runDirectory);
        return Path.Combine(root, "hearth", Path.GetFileName(Path.GetDirectoryName(full)!), Path.GetFileName(full));
    }

    /// <summary>Removes a directory made by <see cref="CreateInMemory"/>, once nothing runs from it.</summary>
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
