using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

/// <summary>A reservation whose instances sit on a worker an admin locks moves them elsewhere, make-before-break.</summary>
public sealed class LockedWorkerReservationTests
{
    private static readonly string V100 = HashOf(1);

    [Fact]
    public void InstancesOnALockedWorkerRetireOnlyAsTheirReplacementsElsewhereBecomeWarm()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=8,host.memory=8192"), ("w2", "host.processors=8,host.memory=8192"));
        var r = world.Add("alice", "acme/model", "latest_public", 2);
        world.Reconcile();
        world.LoadAll();
        world.Reconcile();
        var locked = world.Reserved(r.Id)[0].Worker!;
        var other = locked == "w1" ? "w2" : "w1";
        var moving = world.Reserved(r.Id).Where(i => i.Worker == locked).Select(i => i.Id).ToList();
        Assert.NotEmpty(moving);

        world.LockWorker(locked);
        var plan = world.Reconcile();

        Assert.Equal(moving.Count, plan.Commands.OfType<StartReservedInstance>().Count());
        Assert.Empty(plan.Commands.OfType<RetireInstance>());
        Assert.Equal(2, world.WarmReserved(r.Id));
        Assert.All(world.Reserved(r.Id).Where(i => i.State == InstanceState.Starting), i => Assert.Equal(other, i.Worker));
        Assert.Equal(
            $"moving to other workers: 0 of 2 warm, 2 loading; {moving.Count} on locked worker {locked} keep serving until then",
            world.Status(r.Id).Reason);

        for (var moved = 1; moved <= moving.Count; moved++)
        {
            world.LoadAll(limit: 1);
            var retire = Assert.IsType<RetireInstance>(Assert.Single(world.Reconcile().Commands));
            Assert.Contains(retire.InstanceId, moving);
            Assert.Equal($"reservation {r.Id} is warm again off locked worker {locked}", retire.Reason);
            Assert.Equal(2, world.WarmReserved(r.Id));
        }

        Assert.All(world.Reserved(r.Id), i => Assert.Equal((other, V100), (i.Worker!, i.Template.Hash)));
        Assert.Equal((ReservationState.Ready, $"2 warm on 1.0.0 (1111111)"), (world.Status(r.Id).State, world.Status(r.Id).Reason));
    }

    [Fact]
    public void WithNoOtherWorkerTheInstancesOnALockedWorkerKeepServing()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=8,host.memory=8192"));
        var r = world.Add("alice", "acme/model", "latest_public", 1);
        world.Reconcile();
        world.LoadAll();
        world.Reconcile();

        world.LockWorker("w1");
        world.Reconcile();

        Assert.Equal(1, world.WarmReserved(r.Id));
        Assert.Empty(world.Reconcile().Commands.OfType<RetireInstance>());
        Assert.Equal(ReservationState.Pending, world.Status(r.Id).State);
    }
}
