using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class LoadFailureTests
{
    private static readonly AlgorithmName Model = new("acme", "model");

    private readonly ReservationWorld _world = new(Standard(), ("w1", "host.processors=8,host.memory=8192"));

    [Fact]
    public void ABuildThatExitsDuringLoadIsFailingWithItsLastLogLineAndIsRetriedOneAtATimeWithBackOff()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 3);
        _world.Reconcile();
        foreach (var instance in _world.Reserved(r.Id))
        {
            _world.FailLoad(instance.Id, "ModuleNotFoundError: No module named 'torch'");
        }

        Assert.Empty(_world.Reconcile().Commands);
        AssertFailing(r.Id, "instance exits during load: ModuleNotFoundError: No module named 'torch' (3 in a row; retrying in 20s)");
        Assert.Equal(_world.Now.AddSeconds(20), _world.LastPlan!.NextDue);

        _world.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(_world.Reconcile().Commands);
        AssertFailing(r.Id, "instance exits during load: ModuleNotFoundError: No module named 'torch' (3 in a row; retrying in 1s)");

        _world.Time.Advance(TimeSpan.FromSeconds(1));
        var probe = Assert.IsType<StartReservedInstance>(Assert.Single(_world.Reconcile().Commands));
        AssertFailing(r.Id, "instance exits during load: ModuleNotFoundError: No module named 'torch' (3 in a row; retrying now)");
        Assert.Empty(_world.Reconcile().Commands);

        _world.FailLoad(_world.Reserved(probe.ReservationId).Single().Id, "  Killed  ");
        _world.Reconcile();
        AssertFailing(r.Id, "instance exits during load: Killed (4 in a row; retrying in 40s)");
    }

    [Fact]
    public void AnInstanceThatLoadsEndsTheFailingStateAndTheRestStartTogether()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 3);
        _world.Reconcile();
        var first = _world.Reserved(r.Id)[0];
        _world.FailLoad(first.Id, null);
        _world.Reconcile();
        AssertFailing(r.Id, "instance exits during load without printing anything (1 in a row; retrying now)");

        _world.LoadAll();
        var plan = _world.Reconcile();
        Assert.IsType<StartReservedInstance>(Assert.Single(plan.Commands));
        Assert.Equal(ReservationState.Pending, _world.Status(r.Id).State);
    }

    [Fact]
    public void FailuresOfABuildNoLongerTargetedDoNotHoldBackTheNewOne()
    {
        var r = _world.Add("alice", "acme/model", "latest_public", 2);
        _world.Reconcile();
        foreach (var instance in _world.Reserved(r.Id))
        {
            _world.FailLoad(instance.Id, "boom");
        }

        _world.Catalog.Push(Model, HashOf(4)).Publish(Model, HashOf(4), "1.2.0", Visibility.Public);
        var plan = _world.Reconcile();
        Assert.Equal(2, plan.Commands.OfType<StartReservedInstance>().Count(s => s.Template.Hash == HashOf(4)));
        Assert.Equal("starting: 0 of 2 warm, 2 loading on 1.2.0 (4444444)", _world.Status(r.Id).Reason);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(6, 160)]
    [InlineData(7, 300)]
    [InlineData(100, 300)]
    public void TheRetryDelayDoublesUpToItsCap(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReconcilerSettings.Default.RetryDelay(failures));

    private void AssertFailing(string id, string reason)
    {
        var status = _world.Status(id);
        Assert.Equal((ReservationState.Failing, reason), (status.State, status.Reason));
    }
}
