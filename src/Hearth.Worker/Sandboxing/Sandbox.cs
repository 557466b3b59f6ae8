using System.Diagnostics;
using System.Text;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Sandboxing;

/// <summary>
/// A worker's sandboxing, once it has proved the machine allows it: bubblewrap, an identity per account (a uid from
/// the worker's range when the worker is root, else a user namespace), and cgroups with the memory, cpu and pids
/// controllers. <see cref="Detect"/> tries a real sandbox before saying yes.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    private readonly WorkerOptions _options;
    private readonly string _bwrap;
    private readonly string? _setpriv;
    private readonly CgroupRoot _cgroups;
    private readonly RuntimeLocator _runtimes;
    private readonly string? _seccomp;
    private readonly bool _disableUserNamespaces;
    private readonly Dictionary<string, int> _uids = new(StringComparer.Ordinal);

    private Sandbox(WorkerOptions options, string bwrap, string? setpriv, CgroupRoot cgroups, RuntimeLocator runtimes, string? seccomp, bool disableUserNamespaces)
    {
        _options = options;
        _bwrap = bwrap;
        _setpriv = setpriv;
        _cgroups = cgroups;
        _runtimes = runtimes;
        _seccomp = seccomp;
        _disableUserNamespaces = disableUserNamespaces;
    }

    /// <summary>What a worker reports as its isolation: "sandbox" when it has one, else "none".</summary>
    public const string Isolated = "sandbox";

    public const string NoIsolation = "none";

    /// <summary>One line for the worker's start: how it isolates.</summary>
    public string Description =>
        $"sandbox: bubblewrap, {(_setpriv is null ? "a user namespace per instance" : $"a uid per account from {_options.SandboxUidBase}")}, {_cgroups.Kind}"
        + (_seccomp is null ? ", no seccomp filter for this architecture" : ", seccomp")
        + (_options.SandboxNetwork ? "" : ", no network") + ", accounts' jobs too" + (_options.SandboxJobs ? ", admin jobs too" : "");

    /// <summary>
    /// A sandbox for one subjob: always for an account's job (<paramref name="account"/> not empty), for an admin job
    /// only when the worker sandboxes jobs; else null.
    /// </summary>
    public SubjobSandbox? ForSubjob(string account) =>
        account.Length > 0 ? new SubjobSandbox(this, _options.SandboxPids, account, _options.JobMounts)
        : _options.SandboxJobs ? new SubjobSandbox(this, _options.SandboxPids, null, [])
        : null;

    /// <summary>Whether sandboxes run as their own uid (a root worker); else as the worker's, through a user namespace.</summary>
    public bool OwnUids => _setpriv is not null;

    public bool Network => _options.SandboxNetwork;

    /// <summary>
    /// Finds out whether this machine can sandbox, by trying it. Returns null with <paramref name="why"/> (one line)
    /// when it cannot or when <see cref="WorkerOptions.Sandbox"/> is off.
    /// </summary>
    public static Sandbox? Detect(WorkerOptions options, IReadOnlyList<string> forbidden, string runDirectory, out string why)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Sandbox == SandboxMode.Off)
        {
            why = "the sandbox is off (--sandbox off)";
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            why = "sandboxing needs Linux";
            return null;
        }

        if (RuntimeLocator.FindOnPath("bwrap") is not { } bwrap)
        {
            why = "bubblewrap (bwrap) is not installed";
            return null;
        }

        string? setpriv = null;
        if (Posix.GetEffectiveUserId() == 0)
        {
            // As root, a user namespace would map every account to uid 0 outside it; a real uid per account needs a switch.
            if ((setpriv = RuntimeLocator.FindOnPath("setpriv")) is null)
            {
                why = "setpriv (util-linux) is not installed; a root worker needs it to run instances as their own uid";
                return null;
            }
        }
        else if (!UserNamespacesAllowed())
        {
            why = "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone or user.max_user_namespaces)";
            return null;
        }

        // What a crashed predecessor of this run directory left in the cgroup tree goes before anything new is made.
        if (CgroupRoot.Open(options.Name, Path.Combine(runDirectory, "cgroups"), out var cgroupWhy) is not { } cgroups)
        {
            why = cgroupWhy;
            return null;
        }

        var seccomp = SeccompFilter.WriteTo(Path.Combine(runDirectory, "seccomp.bpf"));
        var sandbox = new Sandbox(options, bwrap, setpriv, cgroups, new RuntimeLocator(forbidden), seccomp, setpriv is null && Supports(bwrap, "--disable-userns"));
        if (sandbox.Try() is { } failure)
        {
            sandbox.Dispose();
            why = $"a trial sandbox failed: {failure}";
            return null;
        }

        why = "";
        return sandbox;
    }

    /// <summary>
    /// Makes an instance's (or subjob's) sandbox: its cgroup with <paramref name="limits"/>, its account's uid, and the
    /// runtime its entry command needs. Throws <see cref="SandboxException"/> when the entry command cannot be sandboxed.
    /// </summary>
    public ProcessSandbox Prepare(
        string name, string account, string directory, IReadOnlyList<string> entrypoint, CgroupLimits limits,
        bool ownUid = true, bool writable = false, IReadOnlyList<string>? extraReadOnly = null, IReadOnlyList<JobMount>? mounts = null,
        string? allocation = null)
    {
        var runtime = _runtimes.Locate(entrypoint[0], directory);
        Cgroup cgroup;
        try
        {
            cgroup = _cgroups.Create(CgroupRoot.Sanitize(name), limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxException($"cannot create the cgroup for {name}: {e.Message}");
        }

        var command = new SandboxCommand
        {
            Bwrap = _bwrap,
            Setpriv = ownUid ? _setpriv : null,
            Uid = ownUid ? UidFor(account) : 0,
            Network = _options.SandboxNetwork,
            TmpMegabytes = _options.SandboxTmpMegabytes,
            CgroupProcs = cgroup.ProcsFiles,
            ReadOnly = [.. runtime.Directories, .. extraReadOnly ?? []],
            WorkingDirectory = directory,
            WritableWorkingDirectory = writable,
            SeccompFile = _seccomp,
            DisableUserNamespaces = _disableUserNamespaces,
            Mounts = mounts ?? [],
            BindWorkingDirectory = mounts is null,
            Allocation = allocation,
        };
        return new ProcessSandbox(command, runtime, cgroup, limits);
    }

    /// <summary>
    /// Whose uid an instance runs as: its calling account when the algorithm is the caller's own, else the pair
    /// (caller, owner), so a stranger's algorithm never shares a uid with the caller's own instances or jobs.
    /// </summary>
    public static string IdentityOf(string account, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var owner = algorithm.Split('/')[0];
        return string.Equals(owner, account, StringComparison.OrdinalIgnoreCase) ? account : $"{account}\u0000{owner}";
    }

    /// <summary>
    /// The account's uid: a stable spot in the range by the account's name, moved along when another account here
    /// already holds it, so two accounts never share one on this worker.
    /// </summary>
    public int UidFor(string account)
    {
        lock (_uids)
        {
            if (_uids.TryGetValue(account, out var uid))
            {
                return uid;
            }

            var count = Math.Max(1, _options.SandboxUidCount);
            var spot = (int)(Fnv1a(account) % (ulong)count);
            var taken = _uids.Values.ToHashSet();
            for (var i = 0; i < count; i++)
            {
                uid = _options.SandboxUidBase + ((spot + i) % count);
                if (!taken.Contains(uid))
                {
                    _uids[account] = uid;
                    return uid;
                }
            }

            throw new SandboxException($"the worker's sandbox uid range ({count} uids) is used up");
        }
    }

    public void Dispose() => _cgroups.Dispose();

    private string? Try()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"hearth-sandbox-trial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            using var trial = Prepare("trial", "hearth-trial", directory, ["/bin/sh"], new CgroupLimits(64, 1, 16));
            var argv = trial.Command(["-c", "test \"$(id -u)\" != 0"], null, new Dictionary<string, string>());
            var start = new ProcessStartInfo(argv[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in argv.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return "it did not finish within 30 s";
            }

            return process.ExitCode == 0 ? null : $"exit code {process.ExitCode}: {error.Result.Trim().ReplaceLineEndings(" ")}";
        }
        catch (Exception e) when (e is SandboxException or IOException or System.ComponentModel.Win32Exception)
        {
            return e.Message;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Whether this bubblewrap knows <paramref name="option"/> (its help lists every option it has).</summary>
    private static bool Supports(string bwrap, string option)
    {
        try
        {
            var start = new ProcessStartInfo(bwrap, "--help") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var help = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.WaitForExit(TimeSpan.FromSeconds(10));
            return (help.Result + errors.Result).Contains(option, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool UserNamespacesAllowed()
    {
        static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        return Read("/proc/sys/kernel/unprivileged_userns_clone") != "0" && Read("/proc/sys/user/max_user_namespaces") != "0";
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
