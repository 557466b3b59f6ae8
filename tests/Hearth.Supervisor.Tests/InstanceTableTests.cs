using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Supervisor.Algorithms;

namespace Hearth.Supervisor.Tests;

public sealed class InstanceTableTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly InstanceTemplate Echo = new(
        new AlgorithmName("acme", "echo"), new string('a', 40), new SemanticVersion(1, 0, 0), ResourceRequest.Parse("host.processors=1,host.memory=50"));

    private readonly InstanceTable _table = new(WarmPoolSettings.Default);
    private readonly Cluster _cluster = new();
    private long _calls;

    public InstanceTableTests()
    {
        _cluster.AddHost("w1", ResourceTotals.Parse("host.processors=1,host.memory=1000", ResourceScope.Host));
    }

    private PendingCall Route(DateTimeOffset deadline, out AlgorithmInstance? started)
    {
        var call = new PendingCall(null!, ++_calls, [], T0, deadline);
        (_, started, _) = _table.Route(call, "alice", Echo, [], T0);
        return call;
    }

    [Fact]
    public void ACallTheLoopExpiresIsToldNoWorkerHadRoomEvenThoughTheSamePlanWithdrawsItsStart()
    {
        // One instance, busy, fills the only worker; the next call queues with a start the ledger cannot place.
        Route(T0.AddMinutes(5), out var first);
        _cluster.Submit(first!.ToWorkRequest(1, 0));
        _cluster.Apply(PlacementEngine.Decide(_cluster));
        Assert.NotNull(_table.Placed(first.Id, "w1"));
        Assert.Null(_table.Ready(first.Id, null, T0).Next?.Call.Waiting);
        var late = Route(T0.AddSeconds(1), out var second);
        _cluster.Submit(second!.ToWorkRequest(1, 1));
        _cluster.Apply(PlacementEngine.Decide(_cluster));

        var plan = _table.Decide(_cluster, T0.AddSeconds(2));
        Assert.Equal([second.Id], plan.Withdrawn.Select(i => i.Id));
        var (_, expired) = _table.Apply(plan, T0.AddSeconds(2));

        var (call, message) = Assert.Single(expired);
        Assert.Same(late, call);
        Assert.Equal("no instance of acme/echo became free within the timeout of 1 s: 1 busy, no worker has room to start another "
            + "(each instance needs host.processors=1,host.memory=50)", message);
    }
}
