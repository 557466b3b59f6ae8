using System.Globalization;

namespace Hearth.Worker.Sandboxing;

/// <summary>
/// The argv that starts a program in a bubblewrap sandbox: a private root of empty directories with the system
/// directories, the runtime's and the build's bound read-only; a fresh, size-capped <c>/tmp</c> and <c>/dev/shm</c>;
/// the output FIFO at <c>/tmp/algoout</c>; its own PID, IPC and UTS namespaces; no capabilities; and, when the worker is
/// root, an unprivileged uid of its own. A <c>/bin/sh</c> step first writes its own pid into the cgroups, then execs
/// bubblewrap, so every process of the sandbox is born inside the limits.
/// </summary>
internal sealed record SandboxCommand
{
    /// <summary>The in-sandbox path of the output FIFO, which <c>ALGOOUT</c> names.</summary>
    public const string OutputPath = "/tmp/algoout";

    /// <summary>
    /// Opens the seccomp filter's file (the first argument, "-" for none) on <see cref="SeccompFd"/> for bubblewrap,
    /// writes the shell's pid into each file up to "--", then becomes the rest of the command.
    /// </summary>
    private const string JoinCgroups =
        "[ \"$1\" = - ] || exec 9<\"$1\" || exit 125; shift; while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";

    /// <summary>The descriptor bubblewrap reads the seccomp filter from (<c>--seccomp 9</c>).</summary>
    private const string SeccompFd = "9";

    /// <summary>The line an announcing sandbox prints on stderr once it is set up, just before the program runs.</summary>
    public const string EnteredMarker = "\u0001hearth-sandbox-entered";

    /// <summary>Inside the sandbox, as its own uid: announce on stderr, then become the program.</summary>
    private const string Announcing = "printf '\\001hearth-sandbox-entered\\n' >&2; exec \"$@\"";

    public required string Bwrap { get; init; }

    /// <summary>Print <see cref="EnteredMarker"/> before the program runs (an extra <c>/bin/sh</c> exec, at start only).</summary>
    public bool Announce { get; init; }

    /// <summary>setpriv, used when the worker is root to switch to <see cref="Uid"/>; null runs in a user namespace instead.</summary>
    public string? Setpriv { get; init; }

    public int Uid { get; init; }

    public bool Network { get; init; } = true;

    /// <summary>The compiled seccomp filter (<see cref="SeccompFilter"/>) bubblewrap installs before the program runs; null for none.</summary>
    public string? SeccompFile { get; init; }

    /// <summary>Pass <c>--disable-userns</c> (bubblewrap 0.8 and later; only with a user namespace of its own).</summary>
    public bool DisableUserNamespaces { get; init; }

    /// <summary>Host directories bound at the same path, read-write or read-only (an account job's mounts).</summary>
    public IReadOnlyList<JobMount> Mounts { get; init; } = [];

    /// <summary>A host directory bound read-only at <see cref="AllocationInside"/> (an account job's allocation file), if any.</summary>
    public string? Allocation { get; init; }

    /// <summary>Where an account job sees its allocation directory: no path of the worker's shows.</summary>
    public const string AllocationInside = "/run/hearth";

    /// <summary>Whether the working directory is bound on its own; not when it is under a mount or the private <c>/tmp</c>.</summary>
    public bool BindWorkingDirectory { get; init; } = true;

    public long TmpMegabytes { get; init; } = 256;

    public IReadOnlyList<string> CgroupProcs { get; init; } = [];

    /// <summary>Host directories bound read-only at the same path, besides the system ones.</summary>
    public IReadOnlyList<string> ReadOnly { get; init; } = [];

    /// <summary>The host FIFO bound at <see cref="OutputPath"/>, if any.</summary>
    public string? Output { get; init; }

    public required string WorkingDirectory { get; init; }

    /// <summary>A subjob's working directory is bound writable; an instance's build directory never is.</summary>
    public bool WritableWorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The full argv for <paramref name="program"/> and <paramref name="arguments"/>.</summary>
    public IReadOnlyList<string> Build(string program, IEnumerable<string> arguments)
    {
        var argv = new List<string> { "/bin/sh", "-c", JoinCgroups, "hearth-sandbox", SeccompFile ?? "-" };
        argv.AddRange(CgroupProcs);
        argv.Add("--");
        argv.Add(Bwrap);
        argv.AddRange(["--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]);
        if (!Network)
        {
            argv.Add("--unshare-net");
        }

        if (Setpriv is null)
        {
            argv.Add("--unshare-user");
            if (DisableUserNamespaces)
            {
                argv.Add("--disable-userns");
            }
        }

        if (SeccompFile is not null)
        {
            argv.AddRange(["--seccomp", SeccompFd]);
        }

        argv.AddRange(["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]);
        foreach (var top in (string[])["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"])
        {
            var info = new DirectoryInfo(top);
            if (info.LinkTarget is { } target)
            {
                argv.AddRange(["--symlink", target, top]);
            }
            else if (info.Exists)
            {
                argv.AddRange(["--ro-bind", top, top]);
            }
        }

        argv.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        var size = (TmpMegabytes * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        argv.AddRange(["--perms", "1777", "--size", size, "--tmpfs", "/tmp", "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]);

        // bubblewrap makes missing parents of a mount point private (0700) to root; the sandbox's uid must pass through them.
        var made = new HashSet<string>(StringComparer.Ordinal) { "/", "/usr", "/etc", "/tmp", "/dev", "/proc" };
        var binds = ReadOnly.Select(d => new JobMount(d, Writable: false))
            .Concat(Mounts)
            .Concat(BindWorkingDirectory ? [new JobMount(WorkingDirectory, WritableWorkingDirectory)] : [])
            .DistinctBy(m => m.Path, StringComparer.Ordinal);
        foreach (var bind in binds)
        {
            foreach (var parent in Ancestors(bind.Path).Where(made.Add))
            {
                argv.AddRange(["--perms", "0755", "--dir", parent]);
            }

            argv.AddRange([bind.Writable ? "--bind" : "--ro-bind", bind.Path, bind.Path]);
        }

        if (Allocation is not null)
        {
            argv.AddRange(["--perms", "0755", "--dir", "/run", "--ro-bind", Allocation, AllocationInside]);
        }

        if (Output is not null)
        {
            argv.AddRange(["--bind", Output, OutputPath]);
        }

        argv.AddRange(["--remount-ro", "/", "--chdir", WorkingDirectory, "--clearenv"]);
        foreach (var (name, value) in Environment)
        {
            argv.AddRange(["--setenv", name, value]);
        }

        if (Setpriv is not null)
        {
            // Root keeps only what setpriv needs to become the uid; the uid change then clears every set, and
            // setpriv empties the bounding and inheritable sets, so the program runs with no capabilities at all.
            argv.AddRange(["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--", Setpriv]);
            var id = Uid.ToString(CultureInfo.InvariantCulture);
            argv.AddRange(["--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]);
        }
        else
        {
            argv.AddRange(["--cap-drop", "ALL", "--"]);
        }

        if (Announce)
        {
            argv.AddRange(["/bin/sh", "-c", Announcing, "hearth-sandbox"]);
        }

        argv.Add(program);
        argv.AddRange(arguments);
        return argv;
    }

    private static List<string> Ancestors(string path)
    {
        var parents = new List<string>();
        for (var p = Path.GetDirectoryName(path.TrimEnd('/')); p is not null && p != "/"; p = Path.GetDirectoryName(p))
        {
            parents.Add(p);
        }

        parents.Reverse();
        return parents;
    }
}
