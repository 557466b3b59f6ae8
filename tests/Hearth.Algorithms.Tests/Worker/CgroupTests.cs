using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>
/// The cgroup code over a fake cgroupfs directory tree: a pure cgroup v2 host (a systemd service with
/// <c>Delegate=yes</c>) and the hybrid layout (v1 controllers, an empty v2 hierarchy at <c>unified</c>). Both are read
/// from <c>/proc/self/cgroup</c> and <c>/proc/self/mountinfo</c> text as the kernel writes it.
/// </summary>
public sealed class CgroupTests : IDisposable
{
    private readonly string _root = Paths.Scratch();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Read(params string[] path) => File.ReadAllText(Path.Combine([_root, .. path])).Trim();

    private string Make(string directory, params (string File, string Text)[] files)
    {
        var path = Path.Combine(_root, directory);
        Directory.CreateDirectory(path);
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(path, file), text);
        }

        return path;
    }

    [Fact]
    public void OnPureV2TheWorkersDelegatedSubtreeGetsMemoryCpuAndPidsLimitsPerInstance()
    {
        var service = Make("cgroup/system.slice/hearth-worker.service",
            ("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n"), ("cgroup.subtree_control", ""), ("cgroup.procs", ""));
        var mounts = CgroupMounts.Parse(
            "0::/system.slice/hearth-worker.service\n",
            $"22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
            + $"25 30 0:23 / {_root}/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
        Assert.Equal(service, mounts.V2);
        Assert.Empty(mounts.V1);

        var root = CgroupRoot.Open("worker-1", mounts, Path.Combine(_root, "record"), out var why);
        Assert.True(root is not null, why);
        Assert.Equal("cgroup v2", root.Kind);
        Assert.Equal("+memory +cpu +pids", Read(service, "cgroup.subtree_control"));
        var worker = Assert.Single(Directory.GetDirectories(service));
        Assert.StartsWith("hearth-worker-1-", Path.GetFileName(worker), StringComparison.Ordinal);
        Assert.Equal("+memory +cpu +pids", Read(worker, "cgroup.subtree_control"));

        var group = root.Create("i-1", new CgroupLimits(512, 1.5, 64));
        Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Read(worker, "i-1", "memory.max"));
        Assert.Equal("150000 100000", Read(worker, "i-1", "cpu.max"));
        Assert.Equal("64", Read(worker, "i-1", "pids.max"));
        Assert.Equal([Path.Combine(worker, "i-1", "cgroup.procs")], group.ProcsFiles);

        Assert.Equal(0, group.OomKills());
        File.WriteAllText(Path.Combine(worker, "i-1", "memory.events"), "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\noom_group_kill 0\n");
        Assert.Equal(2, group.OomKills());

        group.SetCores(4);
        Assert.Equal("400000 100000", Read(worker, "i-1", "cpu.max"));
        group.SetCores(0.001);
        Assert.Equal("1000 100000", Read(worker, "i-1", "cpu.max"));

        // No host.memory and no processors named: only the pids cap.
        root.Create("i-2", new CgroupLimits(null, null, 16));
        Assert.Equal("16", Read(worker, "i-2", "pids.max"));
        Assert.False(File.Exists(Path.Combine(worker, "i-2", "memory.max")));
        Assert.False(File.Exists(Path.Combine(worker, "i-2", "cpu.max")));
    }

    [Fact]
    public void InACgroupNamespaceTheMountsRootIsTakenOffTheOwnPath()
    {
        var mounts = CgroupMounts.Parse(
            "0::/system.slice/hearth.service\n",
            $"25 30 0:23 /system.slice {_root}/ns\\040cgroup rw - cgroup2 cgroup2 rw\n");
        Assert.Equal(Path.Combine(_root, "ns cgroup", "hearth.service"), mounts.V2);
    }

    [Fact]
    public void OnTheHybridLayoutEachControllerGetsItsOwnV1Directory()
    {
        // As on this development machine: v2 mounted at unified with no controllers, cpu co-mounted with cpuacct.
        Make("cgroup/unified", ("cgroup.controllers", ""));
        var memory = Make("cgroup/memory/process_api/2d46");
        var cpu = Make("cgroup/cpu,cpuacct");
        var pids = Make("cgroup/pids");
        var mounts = CgroupMounts.Parse(
            "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/2d46\n2:cpu,cpuacct:/\n0::/\n",
            $"31 23 0:28 / {_root}/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
            + $"32 31 0:29 / {_root}/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
            + $"35 31 0:32 / {_root}/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
            + $"39 31 0:36 / {_root}/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
            + $"40 31 0:37 / {_root}/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
            + $"41 31 0:38 / {_root}/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
        Assert.Equal(Path.Combine(_root, "cgroup", "unified"), mounts.V2);
        Assert.Equal(memory, mounts.V1["memory"]);
        Assert.Equal(cpu, mounts.V1["cpu"]);
        Assert.Equal(pids, mounts.V1["pids"]);

        var root = CgroupRoot.Open("worker-1", mounts, Path.Combine(_root, "record"), out var why);
        Assert.True(root is not null, why);
        Assert.Equal("cgroup v1", root.Kind);
        var group = root.Create("i-1", new CgroupLimits(512, 1.5, 64));
        var name = Path.GetFileName(Assert.Single(Directory.GetDirectories(memory)));
        Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Read(memory, name, "i-1", "memory.limit_in_bytes"));
        Assert.Equal("100000", Read(cpu, name, "i-1", "cpu.cfs_period_us"));
        Assert.Equal("150000", Read(cpu, name, "i-1", "cpu.cfs_quota_us"));
        Assert.Equal("64", Read(pids, name, "i-1", "pids.max"));
        Assert.Equal(
            [Path.Combine(memory, name, "i-1", "cgroup.procs"), Path.Combine(cpu, name, "i-1", "cgroup.procs"), Path.Combine(pids, name, "i-1", "cgroup.procs")],
            group.ProcsFiles);

        File.WriteAllText(Path.Combine(memory, name, "i-1", "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Assert.Equal(3, group.OomKills());
    }

    [Fact]
    public void WithoutAllThreeControllersThereIsNoCgroupRootAndTheReasonSaysSo()
    {
        Make("cgroup/unified", ("cgroup.controllers", "cpu io\n"));
        Make("cgroup/memory");
        var mounts = CgroupMounts.Parse(
            "4:memory:/\n0::/\n",
            $"35 31 0:32 / {_root}/cgroup/memory rw - cgroup cgroup rw,memory\n41 31 0:38 / {_root}/cgroup/unified rw - cgroup2 cgroup2 rw\n");
        Assert.Null(CgroupRoot.Open("worker-1", mounts, Path.Combine(_root, "record"), out var why));
        Assert.Equal("no cgroup hierarchy with the memory, cpu and pids controllers", why);
    }
}
