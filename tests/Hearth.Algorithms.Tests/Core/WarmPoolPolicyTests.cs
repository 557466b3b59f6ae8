using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using static Hearth.Algorithms.Tests.Core.WarmPoolTests;

namespace Hearth.Algorithms.Tests.Core;

public sealed class WarmPoolPolicyTests
{
    private static readonly WarmPoolSettings Settings = new(IdleTimeout: TimeSpan.FromMinutes(10), MinResidency: TimeSpan.FromSeconds(30));

    private readonly Cluster _cluster = new();
    private readonly WarmPool _pool = NewPool(Settings);
    private long _sequence;

    public WarmPoolPolicyTests()
    {
        _cluster.AddHost("w1", ResourceTotals.Parse("host.processors=2,host.memory=1000", ResourceScope.Host));
    }

    /// <summary>Starts an on-demand instance for <paramref name="account"/>, placed through the ledger and ready at <paramref name="at"/>.</summary>
    private AlgorithmInstance WarmInstance(string account, DateTimeOffset at, string? reservation = null)
    {
        var instance = _pool.Start(account, EchoA, reservation, at);
        _cluster.Submit(instance.ToWorkRequest(Settings.InstancePriority, _sequence++));
        PlaceAll();
        _pool.Ready(instance.Id, at);
        return instance;
    }

    private void PlaceAll()
    {
        var plan = PlacementEngine.Decide(_cluster);
        _cluster.Apply(plan);
        foreach (var d in plan.Decisions.OfType<DispatchDecision>())
        {
            if (_pool.Find(d.WorkId) is not null)
            {
                _pool.Placed(d.WorkId, d.Host);
            }
        }
    }

    private void SubmitJob(string id, string spec) =>
        _cluster.Submit(new WorkRequest(id, ResourceRequest.Parse(spec), WorkRequest.DefaultPriority, _sequence++));

    [Fact]
    public void AnIdleInstanceStopsOnceTheIdleTimeoutPasses()
    {
        var instance = WarmInstance("alice", T0);
        var before = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(10).AddTicks(-1));
        Assert.Empty(before.Stops);
        Assert.Equal(T0.AddMinutes(10), before.NextDue);

        var at = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(10));
        var stop = Assert.Single(at.Stops);
        Assert.Equal((instance.Id, StopCause.IdleTimeout), (stop.Instance.Id, stop.Cause));
    }

    [Fact]
    public void UseRestartsTheIdleClock()
    {
        var instance = WarmInstance("alice", T0);
        _pool.Route(1, "alice", EchoA, T0.AddHours(1), T0.AddMinutes(9));
        _pool.Finished(instance.Id, T0.AddMinutes(9));
        Assert.Empty(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(18)).Stops);
        Assert.Single(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(19)).Stops);
    }

    [Fact]
    public void BusyAndReservedInstancesNeverIdleOut()
    {
        var busy = WarmInstance("alice", T0);
        _pool.Route(1, "alice", EchoA, T0.AddDays(2), T0);
        WarmInstance("bob", T0, reservation: "r-1");
        var plan = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddDays(1));
        Assert.Empty(plan.Stops);
        Assert.Equal(InstanceState.Busy, busy.State);
    }

    [Fact]
    public void ReleasedReservedInstancesIdleOutFromWhenTheyWereReleased()
    {
        var instance = WarmInstance("bob", T0, reservation: "r-1");
        _pool.SetReservation(instance.Id, null, T0.AddHours(1));
        Assert.Empty(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddHours(1).AddMinutes(9)).Stops);
        Assert.Single(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddHours(1).AddMinutes(10)).Stops);
    }

    [Fact]
    public void AWaitingCallExpiresAtItsDeadline()
    {
        var routed = (RoutedQueued)_pool.Route(1, "alice", EchoA, T0.AddSeconds(30), T0);
        Assert.Empty(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddSeconds(29)).Expired);
        var plan = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddSeconds(30));
        Assert.Equal(routed.Call, Assert.Single(plan.Expired));
        WarmPoolPolicy.Apply(_pool, plan, T0.AddSeconds(30));
        Assert.Equal(0, _pool.WaitingCount);
    }

    [Fact]
    public void AnUnplacedStartNoCallNeedsAnyMoreIsWithdrawn()
    {
        SubmitJob("big", "host.processors=2");
        PlaceAll();
        var routed = (RoutedQueued)_pool.Route(1, "alice", EchoA, T0.AddSeconds(30), T0);
        _cluster.Submit(routed.Started!.ToWorkRequest(Settings.InstancePriority, _sequence++));
        PlaceAll();
        Assert.Null(routed.Started.Worker);

        var plan = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddSeconds(30));
        Assert.Equal(routed.Started, Assert.Single(plan.Withdrawn));
        WarmPoolPolicy.Apply(_pool, plan, T0.AddSeconds(30));
        Assert.Empty(_pool.Instances);
    }

    [Fact]
    public void APendingJobEvictsTheLeastRecentlyUsedIdleInstancePastItsResidency()
    {
        var older = WarmInstance("alice", T0);
        var newer = WarmInstance("bob", T0.AddSeconds(5));
        SubmitJob("render", "host.processors=1");
        PlaceAll();

        var plan = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1));
        var stop = Assert.Single(plan.Stops);
        Assert.Equal((older.Id, StopCause.Evicted), (stop.Instance.Id, stop.Cause));
        Assert.Contains("to make room for render on w1", stop.Reason, StringComparison.Ordinal);
        Assert.NotEqual(newer.Id, stop.Instance.Id);
    }

    [Fact]
    public void NothingIsEvictedWithinTheMinimumResidencyButTheLoopIsToldWhenToLookAgain()
    {
        WarmInstance("alice", T0);
        WarmInstance("bob", T0.AddSeconds(5));
        SubmitJob("render", "host.processors=1");
        PlaceAll();

        var plan = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddSeconds(10));
        Assert.Empty(plan.Stops);
        Assert.Equal(T0.AddSeconds(30), plan.NextDue);
    }

    [Fact]
    public void ReservedAndBusyInstancesAreNeverEvicted()
    {
        WarmInstance("alice", T0, reservation: "r-1");
        WarmInstance("bob", T0);
        _pool.Route(1, "bob", EchoA, T0.AddHours(1), T0.AddSeconds(1));
        SubmitJob("render", "host.processors=1");
        PlaceAll();
        Assert.Empty(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(5)).Stops);
    }

    [Fact]
    public void OnlyAsManyInstancesAreEvictedAsTheWorkNeeds()
    {
        var a = WarmInstance("alice", T0);
        var b = WarmInstance("bob", T0.AddSeconds(1));
        SubmitJob("wide", "host.processors=2");
        PlaceAll();
        var both = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1));
        Assert.Equal([a.Id, b.Id], both.Stops.Select(s => s.Instance.Id));

        var cluster = new Cluster();
        cluster.AddHost("w1", ResourceTotals.Parse("host.processors=2,host.memory=1000", ResourceScope.Host));
        Assert.Empty(WarmPoolPolicy.Decide(_pool, cluster, T0.AddMinutes(1)).Stops);
    }

    [Fact]
    public void InstancesAlreadyStoppingCountAsRoomSoNothingMoreIsEvicted()
    {
        WarmInstance("alice", T0);
        WarmInstance("bob", T0.AddSeconds(1));
        SubmitJob("render", "host.processors=1");
        PlaceAll();
        var first = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1));
        WarmPoolPolicy.Apply(_pool, first, T0.AddMinutes(1));
        Assert.Single(first.Stops);

        var second = WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1).AddSeconds(1));
        Assert.Empty(second.Stops);
    }

    [Fact]
    public void MemoryPressureEvictsToo()
    {
        var a = WarmInstance("alice", T0);
        SubmitJob("hungry", "host.processors=1,host.memory=950");
        PlaceAll();
        Assert.Equal(a.Id, Assert.Single(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1)).Stops).Instance.Id);
    }

    [Fact]
    public void WorkThatCannotFitEvenWithEveryEvictionEvictsNothing()
    {
        WarmInstance("alice", T0);
        SubmitJob("huge", "host.processors=1,host.memory=5000");
        PlaceAll();
        Assert.Empty(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1)).Stops);
    }

    [Fact]
    public void AnIdleHostJobNeedsEveryInstanceThereToGo()
    {
        var a = WarmInstance("alice", T0);
        var b = WarmInstance("bob", T0);
        SubmitJob("exclusive", "host.processors=1*");
        PlaceAll();
        Assert.Equal(new[] { a.Id, b.Id }.Order(), WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1)).Stops.Select(s => s.Instance.Id).Order());
    }

    [Fact]
    public void AnotherAccountsColdStartCanEvictAnIdleInstance()
    {
        WarmInstance("alice", T0);
        var alice2 = WarmInstance("alice", T0.AddSeconds(1));
        _pool.Route(1, "alice", EchoA, T0.AddHours(1), T0.AddSeconds(2));
        var bob = (RoutedQueued)_pool.Route(2, "bob", EchoA, T0.AddHours(1), T0.AddMinutes(1));
        _cluster.Submit(bob.Started!.ToWorkRequest(Settings.InstancePriority, _sequence++));
        PlaceAll();
        Assert.Null(bob.Started.Worker);

        var stop = Assert.Single(WarmPoolPolicy.Decide(_pool, _cluster, T0.AddMinutes(1)).Stops);
        Assert.NotEqual(alice2.Id, stop.Instance.Id);
        Assert.Equal("alice", stop.Instance.Account);
    }
}
