using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Worker;

/// <summary>
/// A worker's run directory, held for the life of the worker process by an exclusive <c>flock</c> on
/// <c>worker.lock</c>. By default it is the same directory every time a worker of that name starts against
/// that supervisor, so a worker that crashed and started again finds what its previous incarnation left there
/// (the records of the processes it started, its build cache). The lock means two live workers can never share
/// one; the kernel drops it when the holder dies, however it dies.
/// </summary>
internal sealed class WorkerDirectory : IDisposable
{
    private const string HolderFile = "worker.pid";

    /// <summary>How the runtime reports a lock held by another process: on Unix the errno (EWOULDBLOCK), on Windows ERROR_SHARING_VIOLATION.</summary>
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _lock;

    private WorkerDirectory(string path, FileStream lockFile)
    {
        FullPath = path;
        _lock = lockFile;
    }

    public string FullPath { get; }

    /// <summary>
    /// <c>$XDG_STATE_HOME/hearth/workers/NAME@SUPERVISOR</c>, else <c>~/.local/state/hearth/workers/NAME@SUPERVISOR</c>
    /// (mode 0700): one per user, worker name and supervisor address, e.g.
    /// <c>/home/render/.local/state/hearth/workers/render-07@sup.example_7070</c>. Never under a shared directory such
    /// as /tmp, where another user could create the path first and plant builds or process records in it. The temp
    /// directory is used only when there is no home.
    /// </summary>
    public static string DefaultPath(Uri supervisor, string workerName)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        var leaf = Path.Combine("workers", $"{Sanitize(workerName)}@{Sanitize(supervisor.Authority)}");
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (!string.IsNullOrEmpty(state) && Path.IsPathRooted(state))
        {
            return Path.Combine(state, "hearth", leaf);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            return Path.Combine(home, ".local", "state", "hearth", leaf);
        }

        var user = OperatingSystem.IsLinux() ? Posix.GetEffectiveUserId().ToString(CultureInfo.InvariantCulture) : Sanitize(Environment.UserName);
        return Path.Combine(Path.GetTempPath(), $"hearth-worker-{user}", leaf);
    }

    /// <summary>Creates the directory if needed and takes its lock; throws <see cref="WorkerRefusedException"/> naming the holder when another worker has it.</summary>
    public static WorkerDirectory Claim(string path, string workerName)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                // Private: the records in it name processes this user's worker may kill.
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkerRefusedException($"cannot create the run directory {path} for worker {workerName}: {e.Message}");
        }

        var lockPath = Path.Combine(path, "worker.lock");
        FileStream stream;
        try
        {
            // FileShare.None: the runtime takes an exclusive flock itself.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult is WouldBlock or SharingViolation)
        {
            throw Held(path, workerName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkerRefusedException($"cannot open {lockPath} for worker {workerName}: {e.Message}");
        }

        // The runtime's own lock can be turned off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); this one cannot.
        if (OperatingSystem.IsLinux() && Posix.Flock((int)stream.SafeFileHandle.DangerousGetHandle(), Posix.LockExclusive | Posix.LockNonBlocking) != 0)
        {
            stream.Dispose();
            throw Held(path, workerName);
        }

        try
        {
            File.WriteAllText(Path.Combine(path, HolderFile), string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new WorkerRefusedException($"cannot write {Path.Combine(path, HolderFile)} for worker {workerName}: {e.Message}");
        }

        return new WorkerDirectory(path, stream);
    }

    private static WorkerRefusedException Held(string path, string workerName)
    {
        string holder;
        try
        {
            var text = File.ReadAllText(Path.Combine(path, HolderFile)).Trim();
            holder = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? $" (pid {pid})" : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            holder = "";
        }

        return new WorkerRefusedException($"another worker named {workerName} is already running from {path}{holder}: stop it first, or give this one another --name");
    }

    internal static string Sanitize(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    public void Dispose() => _lock.Dispose();
}
