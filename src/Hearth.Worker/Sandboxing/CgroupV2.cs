using System.Globalization;

namespace Hearth.Worker.Sandboxing;

/// <summary>cgroup v2: one hierarchy, so a group is one directory with memory, cpu and pids enabled above it.</summary>
internal sealed class CgroupV2 : CgroupRoot
{
    private const string Needed = "+memory +cpu +pids";
    private readonly string _directory;

    private CgroupV2(string directory) => _directory = directory;

    public override string Kind => "cgroup v2";

    public override IReadOnlyList<string> Directories => [_directory];

    public static bool HasControllers(string directory)
    {
        var file = Path.Combine(directory, "cgroup.controllers");
        if (!File.Exists(file))
        {
            return false;
        }

        var controllers = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return controllers.Contains("memory") && controllers.Contains("cpu") && controllers.Contains("pids");
    }

    /// <summary>
    /// Makes the worker's directory under its own cgroup and enables the controllers for it. v2 lets a non-root
    /// cgroup hand controllers to its children only while it holds no processes itself, so when the worker sits in
    /// its cgroup (a systemd service with <c>Delegate=yes</c> does) it first moves itself, and whatever else of the
    /// service sits there, into a leaf beside.
    /// </summary>
    public static CgroupV2 Open(string own, string name)
    {
        var subtree = Path.Combine(own, "cgroup.subtree_control");
        try
        {
            Write(subtree, Needed);
        }
        catch (IOException)
        {
            var leaf = Path.Combine(own, "hearth-agent");
            Directory.CreateDirectory(leaf);
            var procs = Path.Combine(leaf, "cgroup.procs");
            Write(procs, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            foreach (var pid in File.ReadAllLines(Path.Combine(own, "cgroup.procs")))
            {
                try
                {
                    Write(procs, pid);
                }
                catch (IOException)
                {
                    // One write per process, as the kernel takes them; one that exited meanwhile is not an error.
                }
            }

            Write(subtree, Needed);
        }

        var directory = Path.Combine(own, name);
        Directory.CreateDirectory(directory);
        Write(Path.Combine(directory, "cgroup.subtree_control"), Needed);
        return new CgroupV2(directory);
    }

    public override Cgroup Create(string name, CgroupLimits limits)
    {
        var group = new Group(Path.Combine(_directory, name));
        try
        {
            Directory.CreateDirectory(group.Directory);
            if (limits.MemoryMegabytes is { } megabytes)
            {
                Write(Path.Combine(group.Directory, "memory.max"), (megabytes * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
                var swap = Path.Combine(group.Directory, "memory.swap.max");
                if (File.Exists(swap))
                {
                    Write(swap, "0");
                }
            }

            if (limits.Cores is { } cores)
            {
                group.SetCores(cores);
            }

            Write(Path.Combine(group.Directory, "pids.max"), limits.Pids.ToString(CultureInfo.InvariantCulture));
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    public override void Dispose() => RemoveDirectory(_directory);

    private sealed class Group(string directory) : Cgroup
    {
        public string Directory { get; } = directory;

        public override IReadOnlyList<string> ProcsFiles => [Path.Combine(Directory, "cgroup.procs")];

        public override long OomKills() => Counter(Path.Combine(Directory, "memory.events"), "oom_kill");

        public override void SetCores(double cores)
        {
            const int period = 100_000;
            Write(Path.Combine(Directory, "cpu.max"), $"{(long)Math.Max(1000, cores * period)} {period}");
        }

        public override void Dispose()
        {
            var kill = Path.Combine(Directory, "cgroup.kill");
            if (File.Exists(kill))
            {
                Write(kill, "1");
            }
            else
            {
                KillAll(Path.Combine(Directory, "cgroup.procs"));
            }

            RemoveDirectory(Directory);
        }
    }
}
