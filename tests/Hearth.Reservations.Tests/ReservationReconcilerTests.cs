using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class ReservationReconcilerTests
{
    private static readonly string V100 = HashOf(1);

    private readonly ReservationWorld _world = new(Standard(), ("w1", "host.processors=4,host.memory=4096"), ("w2", "host.processors=4,host.memory=4096"));

    [Fact]
    public void ANewReservationStartsCountInstancesAndIsReadyOnceTheyLoad()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 3);
        var plan = _world.Reconcile();

        Assert.Equal(3, plan.Commands.OfType<StartReservedInstance>().Count(s => s.ReservationId == r.Id && s.Account == "alice" && s.Template.Hash == V100));
        Assert.Equal(plan.Commands.Count, plan.Commands.OfType<StartReservedInstance>().Count());
        AssertStatus(r.Id, 3, 0, 3, ReservationState.Pending, "starting: 0 of 3 warm, 3 loading on 1.0.0 (1111111)");

        _world.LoadAll();
        Assert.Empty(_world.Reconcile().Commands);
        AssertStatus(r.Id, 3, 3, 0, ReservationState.Ready, "3 warm on 1.0.0 (1111111)");
        Assert.Equal([V100], _world.Status(r.Id).ServingHashes);
    }

    [Fact]
    public void ReservedInstancesOutliveTheIdleTimeoutWhileOnDemandOnesStop()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 2);
        _world.Reconcile();
        _world.LoadAll();
        _world.ColdCall("bob", V100);

        _world.Time.Advance(TimeSpan.FromHours(3));
        var policy = _world.RunPoolPolicy();

        var stopped = Assert.Single(policy.Stops);
        Assert.Equal(("bob", StopCause.IdleTimeout), (stopped.Instance.Account, stopped.Cause));
        Assert.Equal(2, _world.WarmReserved(r.Id));
        Assert.Empty(_world.Reconcile().Commands);
    }

    [Fact]
    public void TheCallingAccountsCallIsServedWarmByAReservedInstanceAndAnotherAccountsIsNot()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 1);
        _world.Reconcile();
        _world.LoadAll();
        _world.Time.Advance(TimeSpan.FromHours(1));

        var served = _world.Call("alice", V100);
        Assert.Equal(r.Id, served!.ReservationId);
        Assert.Null(_world.Call("bob", V100));
        Assert.Single(_world.Reserved(r.Id));
    }

    [Fact]
    public void AnOnDemandInstanceOfTheTargetIsTakenOverBeforeAnythingStarts()
    {
        var existing = _world.ColdCall("alice", V100);
        var r = _world.Add("alice", "acme/model", "latest_public", 2);

        var plan = _world.Reconcile();
        Assert.Equal(new ReserveInstance(r.Id, existing.Id), plan.Commands[0]);
        Assert.IsType<StartReservedInstance>(Assert.Single(plan.Commands.Skip(1)));
        Assert.Equal(r.Id, existing.ReservationId);
        AssertStatus(r.Id, 2, 1, 1, ReservationState.Pending, "starting: 1 of 2 warm, 1 loading on 1.0.0 (1111111)");
    }

    [Fact]
    public void AnotherAccountsOnDemandInstanceIsNeverTakenOver()
    {
        _world.ColdCall("bob", V100);
        var r = _world.Add("alice", "acme/model", "latest_public", 1);
        var plan = _world.Reconcile();
        Assert.IsType<StartReservedInstance>(Assert.Single(plan.Commands));
        Assert.Null(_world.Pool.Instances.Single(i => i.Account == "bob").ReservationId);
        Assert.Single(_world.Reserved(r.Id));
    }

    [Fact]
    public void TwoReservationsOfTheSameBuildNeverTakeOverTheSameInstance()
    {
        _world.ColdCall("alice", V100);
        var latest = _world.Add("alice", "acme/model", "latest_public", 1);
        var pinned = _world.Add("alice", "acme/model/1.0.0", "semver", 1);

        var plan = _world.Reconcile();
        Assert.Single(plan.Commands.OfType<ReserveInstance>());
        Assert.Single(plan.Commands.OfType<StartReservedInstance>());
        Assert.Single(_world.Reserved(latest.Id));
        Assert.Single(_world.Reserved(pinned.Id));
    }

    [Fact]
    public void WithNoWorkerConnectedNothingStartsUntilOneIs()
    {
        var world = new ReservationWorld(Standard());
        var r = world.Add("alice", "acme/model", "latest_public", 2);
        Assert.Empty(world.Reconcile().Commands);
        AssertStatus(world, r.Id, 2, 0, 0, ReservationState.Pending, "waiting for capacity: no worker is connected");

        world.AddWorker("w1", "host.processors=4,host.memory=4096");
        Assert.Equal(2, world.Reconcile().Commands.OfType<StartReservedInstance>().Count());
    }

    [Fact]
    public void AfterARestartTheInstancesAWorkerReportsAreTakenBackRatherThanStartedAgain()
    {
        var world = new ReservationWorld(Standard());
        var r = world.Add("alice", "acme/model", "latest_public", 2);
        world.Reconcile();

        world.AddWorker("w1", "host.processors=4,host.memory=4096");
        var first = world.AdoptRunning("i-old-1", "alice", V100, "w1");
        var second = world.AdoptRunning("i-old-2", "alice", V100, "w1");
        var plan = world.Reconcile();

        Assert.Equal([new ReserveInstance(r.Id, first.Id), new ReserveInstance(r.Id, second.Id)], plan.Commands.OrderBy(c => ((ReserveInstance)c).InstanceId));
        AssertStatus(world, r.Id, 2, 2, 0, ReservationState.Ready, "2 warm on 1.0.0 (1111111)");
    }

    [Fact]
    public void AWarmInstanceTakesThePlaceOfOneStillWaitingToStart()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=1,host.memory=4096"));
        world.RunJob("render", "host.processors=1");
        var r = world.Add("alice", "acme/model", "latest_public", 1);
        world.Reconcile();
        var waiting = Assert.Single(world.Reserved(r.Id));
        Assert.Null(waiting.Worker);

        world.AddWorker("w2", "host.processors=4,host.memory=4096");
        var reported = world.AdoptRunning("i-old", "alice", V100, "w2");
        var plan = world.Reconcile();

        Assert.Equal(
            [new ReserveInstance(r.Id, reported.Id), new ReleaseInstance(r.Id, waiting.Id, $"reservation {r.Id} took over a warm instance in its place")],
            plan.Commands);
        Assert.Equal([reported.Id], world.Pool.Instances.Select(i => i.Id));
        AssertStatus(world, r.Id, 1, 1, 0, ReservationState.Ready, "1 warm on 1.0.0 (1111111)");
    }

    [Fact]
    public void ACrashedInstanceIsReplaced()
    {
        var r = ReadyReservation(3);
        var victim = _world.Reserved(r.Id)[1];
        _world.Crash(victim.Id);

        var plan = _world.Reconcile();
        var start = Assert.IsType<StartReservedInstance>(Assert.Single(plan.Commands));
        Assert.Equal((r.Id, "alice", V100), (start.ReservationId, start.Account, start.Template.Hash));
        AssertStatus(r.Id, 3, 2, 1, ReservationState.Pending, "starting: 2 of 3 warm, 1 loading on 1.0.0 (1111111)");
        _world.LoadAll();
        _world.Reconcile();
        AssertStatus(r.Id, 3, 3, 0, ReservationState.Ready, "3 warm on 1.0.0 (1111111)");
    }

    [Fact]
    public void InstancesLostWithTheirWorkerAreReplacedOnTheWorkersLeft()
    {
        var r = ReadyReservation(4);
        var onW1 = _world.Reserved(r.Id).Count(i => i.Worker == "w1");
        Assert.InRange(onW1, 1, 4);
        _world.LoseWorker("w1");

        var plan = _world.Reconcile();
        Assert.Equal(onW1, plan.Commands.OfType<StartReservedInstance>().Count());
        _world.LoadAll();
        _world.Reconcile();
        Assert.All(_world.Reserved(r.Id), i => Assert.Equal("w2", i.Worker));
        AssertStatus(r.Id, 4, 4, 0, ReservationState.Ready, "4 warm on 1.0.0 (1111111)");
    }

    [Fact]
    public void RaisingTheCountStartsOnlyTheDifferenceAndLoweringItReleasesTheSurplusToTheOrdinaryPool()
    {
        var r = ReadyReservation(2);
        var first = _world.Reserved(r.Id).Select(i => i.Id).ToList();

        _world.SetCount(r.Id, 4);
        Assert.Equal(2, _world.Reconcile().Commands.OfType<StartReservedInstance>().Count());
        _world.LoadAll();
        _world.Reconcile();
        AssertStatus(r.Id, 4, 4, 0, ReservationState.Ready, "4 warm on 1.0.0 (1111111)");
        Assert.Subset(_world.Reserved(r.Id).Select(i => i.Id).ToHashSet(), first.ToHashSet());

        _world.SetCount(r.Id, 1);
        var plan = _world.Reconcile();
        Assert.Equal(3, plan.Commands.OfType<ReleaseInstance>().Count());
        Assert.Equal(plan.Commands.Count, plan.Commands.OfType<ReleaseInstance>().Count());
        AssertStatus(r.Id, 1, 1, 0, ReservationState.Ready, "1 warm on 1.0.0 (1111111)");
        Assert.Equal(4, _world.Pool.Instances.Count(i => i.State == InstanceState.Idle));

        _world.Time.Advance(WarmPoolSettings.Default.IdleTimeout);
        Assert.Equal(3, _world.RunPoolPolicy().Stops.Count);
        Assert.Single(_world.Pool.Instances);
    }

    [Fact]
    public void LoweringTheCountReleasesLoadingInstancesBeforeWarmOnes()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 2);
        _world.Reconcile();
        _world.LoadAll(limit: 1);
        _world.SetCount(r.Id, 1);

        var release = Assert.IsType<ReleaseInstance>(Assert.Single(_world.Reconcile().Commands));
        Assert.Equal(InstanceState.Starting, _world.Pool.Find(release.InstanceId)!.State);
    }

    [Fact]
    public void RemovingAReservationReturnsItsInstancesToTheOrdinaryIdlePool()
    {
        var r = ReadyReservation(2);
        var ids = _world.Reserved(r.Id).Select(i => i.Id).ToList();
        _world.Remove(r.Id);

        var plan = _world.Reconcile();
        Assert.Equal(ids.Select(id => new ReleaseInstance(r.Id, id, $"reservation {r.Id} was removed")), plan.Commands);
        Assert.Empty(plan.Statuses);
        Assert.All(ids, id => Assert.Equal((InstanceState.Idle, (string?)null), (_world.Pool.Find(id)!.State, _world.Pool.Find(id)!.ReservationId)));

        Assert.Equal("alice", _world.Call("alice", V100)!.Account);
        _world.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(_world.RunPoolPolicy().Stops);
    }

    [Fact]
    public void ATargetTheCallingUserMayNoLongerReachIsFailingAndLetsItsInstancesGo()
    {
        var r = _world.Add("alice", "acme/model", "latest_private", 1);
        _world.Reconcile();
        _world.LoadAll();
        _world.Catalog.RemoveMember("acme", "alice");

        var release = Assert.IsType<ReleaseInstance>(Assert.Single(_world.Reconcile().Commands));
        Assert.Equal($"reservation {r.Id} cannot resolve its target", release.Reason);
        AssertStatus(r.Id, 1, 0, 0, ReservationState.Failing,
            "calling_user alice is not a member of acme: version_type latest_private keeps the latest private version warm, which only members of acme may call");
    }

    private ReservationDefinition ReadyReservation(int count)
    {
        var r = _world.Add("alice", "acme/model", "latest_public", count);
        _world.Reconcile();
        _world.LoadAll();
        _world.Reconcile();
        Assert.Equal(ReservationState.Ready, _world.Status(r.Id).State);
        return r;
    }

    private void AssertStatus(string id, int desired, int ready, int starting, ReservationState state, string reason) =>
        AssertStatus(_world, id, desired, ready, starting, state, reason);

    private static void AssertStatus(ReservationWorld world, string id, int desired, int ready, int starting, ReservationState state, string reason)
    {
        var status = world.Status(id);
        Assert.Equal((desired, ready, starting, state, reason), (status.Desired, status.Ready, status.Starting, status.State, status.Reason));
    }
}
