using System.Globalization;

namespace Hearth.Worker.Sandboxing;

/// <summary>cgroup v1: memory, cpu and pids each in their own hierarchy, so a group is one directory in each.</summary>
internal sealed class CgroupV1 : CgroupRoot
{
    private static readonly string[] Controllers = ["memory", "cpu", "pids"];
    private readonly Dictionary<string, string> _directories;

    private CgroupV1(Dictionary<string, string> directories) => _directories = directories;

    public override string Kind => "cgroup v1";

    public override IReadOnlyList<string> Directories => [.. _directories.Values];

    public static CgroupV1 Open(IReadOnlyDictionary<string, string> own, string name)
    {
        var directories = Controllers.ToDictionary(c => c, c => Path.Combine(own[c], name), StringComparer.Ordinal);
        foreach (var directory in directories.Values)
        {
            Directory.CreateDirectory(directory);
        }

        return new CgroupV1(directories);
    }

    public override Cgroup Create(string name, CgroupLimits limits)
    {
        var group = new Group(Controllers.ToDictionary(c => c, c => Path.Combine(_directories[c], name), StringComparer.Ordinal));
        try
        {
            foreach (var directory in group.Directories.Values)
            {
                Directory.CreateDirectory(directory);
            }

            if (limits.MemoryMegabytes is { } megabytes)
            {
                var bytes = (megabytes * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
                Write(Path.Combine(group.Directories["memory"], "memory.limit_in_bytes"), bytes);
                TryWrite(Path.Combine(group.Directories["memory"], "memory.memsw.limit_in_bytes"), bytes);
            }

            if (limits.Cores is { } cores)
            {
                group.SetCores(cores);
            }

            Write(Path.Combine(group.Directories["pids"], "pids.max"), limits.Pids.ToString(CultureInfo.InvariantCulture));
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    public override void Dispose()
    {
        foreach (var directory in _directories.Values)
        {
            RemoveDirectory(directory);
        }
    }

    /// <summary>Without swap accounting there is no memsw file; memory.limit_in_bytes alone then bounds it.</summary>
    private static void TryWrite(string file, string value)
    {
        if (File.Exists(file))
        {
            Write(file, value);
        }
    }

    private sealed class Group(Dictionary<string, string> directories) : Cgroup
    {
        public Dictionary<string, string> Directories { get; } = directories;

        public override IReadOnlyList<string> ProcsFiles => [.. Controllers.Select(c => Path.Combine(Directories[c], "cgroup.procs"))];

        public override long OomKills() => Counter(Path.Combine(Directories["memory"], "memory.oom_control"), "oom_kill");

        public override void SetCores(double cores)
        {
            const int period = 100_000;
            Write(Path.Combine(Directories["cpu"], "cpu.cfs_period_us"), period.ToString(CultureInfo.InvariantCulture));
            Write(Path.Combine(Directories["cpu"], "cpu.cfs_quota_us"), ((long)Math.Max(1000, cores * period)).ToString(CultureInfo.InvariantCulture));
        }

        public override void Dispose()
        {
            foreach (var directory in Directories.Values)
            {
                KillAll(Path.Combine(directory, "cgroup.procs"));
            }

            foreach (var directory in Directories.Values)
            {
                RemoveDirectory(directory);
            }
        }
    }
}
