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
    /// The process records' directory for the default run directory <paramref name="runDirectory"/>
    /// (<c>TMP/hearth-worker-UID/NAME@SUPERVISOR</c>): the same two last names under a memory file system, so that
    /// the file each subjob writes and removes spares the disk. Records only need to outlive the worker process, not
    /// the machine, whose processes end with it. Null when there is no memory file system to write in.
    /// </summary>
    public static string? RecordsInMemory(string runDirectory)
    {
        var full = Path.GetFullPath(runDirectory);
        var leaf = Path.Combine(Path.GetFileName(Path.GetDirectoryName(full)!), Path.GetFileName(full), "processes");
        string?[] roots = [Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), OperatingSystem.IsLinux() ? "/dev/shm" : null];
        foreach (var root in roots)
        {
            if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
            {
                continue;
            }

            try
            {
                var path = Path.Combine(root, leaf);
                if (OperatingSystem.IsWindows())
                {
                    return Directory.CreateDirectory(path).FullName;
                }

                // Private, like the run directory: the records name processes this user's worker may kill.
                Directory.CreateDirectory(Path.Combine(root, Path.GetFileName(Path.GetDirectoryName(full)!)), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to write in: try the next place.
            }
        }

        return null;
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
