using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

/// <summary>Every cause that keeps a job pending has a reason that names it; only work that fits now has none.</summary>
public sealed class PendingReasonTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ResourceUsageView Usage(string resource, int total, int used, int outside = 0) =>
        new(resource, total, used, Math.Max(0, total - used - outside), outside);

    private static WorkerView Worker(string name, int processors, int used = 0, bool locked = false, string os = "linux") =>
        new(name, "up", At, used > 0 ? 1 : 0, [Usage("host.processors", processors, used)], Locked: locked,
            Properties: new WorkerPropertiesView(name, os, "x86_64", "", [], ""));

    private static JobView Job(string reservations, string state = "pending", string? requirements = null, IReadOnlyList<long>? waitingFor = null, DateTimeOffset? retryAt = null) =>
        new(1, "job", state, ["true"], reservations, 9999, 1, null, At, null, null, "admin",
            [new SubjobView(0, "pending", null, new Dictionary<string, int>(), null, null, 1, null, null, null, [], RetryAt: retryAt)],
            WaitingFor: waitingFor, Requirements: requirements);

    private static ClusterView Cluster(IReadOnlyList<WorkerView> workers, params ResourceUsageView[] global) => new(workers, global, 1, 0, At);

    public static TheoryData<string, JobView, ClusterView, string> Causes => new()
    {
        { "capacity in use", Job("host.processors=1"), Cluster([Worker("worker-1", 2, used: 2)]),
            "waiting for capacity: needs host.processors=1, and every worker has all of its host.processors in use" },
        { "too big for any worker", Job("host.processors=8"), Cluster([Worker("worker-1", 2)]),
            "waiting for capacity: needs host.processors=8, and the largest worker has 2 in all" },
        { "no worker", Job("host.processors=1"), Cluster([]), "waiting for capacity: no worker is connected" },
        { "requirements", Job("host.processors=1", requirements: "host.os == \"windows\""), Cluster([Worker("worker-1", 2)]), "windows" },
        { "every worker locked", Job("host.processors=1"), Cluster([Worker("worker-1", 2, locked: true), Worker("worker-2", 2, locked: true)]),
            "every worker that fits is locked (worker-1, worker-2)" },
        { "the only worker big enough locked", Job("host.processors=4"), Cluster([Worker("worker-1", 8, locked: true), Worker("worker-2", 2)]),
            "every worker that fits is locked (worker-1)" },
        { "dependencies", Job("host.processors=1", state: "blocked", waitingFor: [7]), Cluster([Worker("worker-1", 2)]),
            "blocked: waiting for job 7 to complete" },
        { "license used outside", Job("host.processors=1,license.nuke=1"), Cluster([Worker("worker-1", 2)], Usage("license.nuke", 2, 0, outside: 2)),
            "waiting for license.nuke: needs license.nuke=1; 2 in all, 2 in use outside the farm, 0 used by the farm, 0 free" },
        { "global resource in use", Job("host.processors=1,global.maya=1"), Cluster([Worker("worker-1", 2)], Usage("global.maya", 1, 1)),
            "waiting for capacity: needs global.maya=1, none free across the cluster" },
        { "idle worker needed", Job("host.processors=all"), Cluster([Worker("worker-1", 2, used: 1)]),
            "waiting for an idle worker: N* and all need a worker with nothing running, and every worker runs something" },
        { "retry delay", Job("host.processors=1", retryAt: At.AddMinutes(1)), Cluster([Worker("worker-1", 2)]),
            "retrying after a failure: the next try is due at 2026-01-01 00:01:00Z" },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public void EveryCauseOfPendingHasAReasonNamingIt(string cause, JobView job, ClusterView cluster, string expected)
    {
        var reason = PendingReasons.Explain(job, cluster);

        Assert.False(string.IsNullOrWhiteSpace(reason), $"{cause}: no reason");
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkThatFitsNowHasNoReasonEvenBesideALockedWorker()
    {
        var cluster = Cluster([Worker("worker-1", 2, locked: true), Worker("worker-2", 2)]);

        Assert.Null(PendingReasons.Explain(Job("host.processors=1"), cluster));
    }
}
