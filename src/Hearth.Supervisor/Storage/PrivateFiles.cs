namespace Hearth.Supervisor.Storage;

/// <summary>
/// The supervisor's own files hold every job, account and key hash, and its key files hold keys: they are for its
/// user alone. Files are created owner read/write (0600) and directories owner-only (0700), whatever the umask.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> and its missing parents owner-only; a directory that exists keeps its mode, as its owner set it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // The mode given to CreateDirectory applies to the last directory only; missing parents are made one by one.
            var missing = new Stack<string>();
            for (var directory = Path.GetFullPath(path); !Directory.Exists(directory); directory = Path.GetDirectoryName(directory)!)
            {
                missing.Push(directory);
            }

            while (missing.TryPop(out var directory))
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty and owner-only if it does not exist, and takes group and other access away
    /// from one that does. SQLite gives a database's <c>-wal</c> and <c>-shm</c> files the database file's mode, so a
    /// database created this way keeps them private too. A file whose directory does not exist is left to its user to report.
    /// </summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
        {
            return;
        }

        try
        {
            using (new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode }))
            {
            }

            return;
        }
        catch (IOException) when (File.Exists(path))
        {
            // It exists already: narrowed below.
        }

        Narrow(path);
    }

    /// <summary>Takes group and other access away from an existing file of ours; a missing file is left alone.</summary>
    public static void Narrow(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                File.SetUnixFileMode(path, mode & ~GroupOrOther);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's file, or a file system without modes: its owner decides who may read it.
        }
    }
}
