using CsCheck;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class MakeBeforeBreakTests
{
    private static readonly string V100 = HashOf(1);
    private static readonly string V120 = HashOf(4);
    private static readonly AlgorithmName Model = new("acme", "model");

    [Fact]
    public void APublishWarmsTheNewBuildBeforeTheOldOneRetiresAndTheWarmCountNeverDips()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=8,host.memory=8192"));
        var r = Ready(world, 3);
        var old = world.Reserved(r.Id).Select(i => i.Id).ToList();

        world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);
        var plan = world.Reconcile();
        Assert.Equal(3, plan.Commands.OfType<StartReservedInstance>().Count(s => s.Template.Hash == V120));
        Assert.Equal(plan.Commands.Count, plan.Commands.OfType<StartReservedInstance>().Count());
        var status = world.Status(r.Id);
        Assert.Equal((3, 0, 3, 3, ReservationState.Pending), (status.Desired, status.Ready, status.Starting, status.Retiring, status.State));
        Assert.Equal("rolling to 1.2.0 (4444444): 0 of 3 warm, 3 loading; 3 on 1.0.0 (1111111) keep serving until then", status.Reason);
        Assert.Equal([V120, V100], status.ServingHashes);
        Assert.Equal(3, world.WarmReserved(r.Id));

        world.LoadAll(limit: 1);
        var retire = Assert.IsType<RetireInstance>(Assert.Single(world.Reconcile().Commands));
        Assert.Contains(retire.InstanceId, old);
        Assert.Equal(3, world.WarmReserved(r.Id));
        Assert.Equal("rolling to 1.2.0 (4444444): 1 of 3 warm, 2 loading; 2 on 1.0.0 (1111111) keep serving until then", world.Status(r.Id).Reason);

        world.LoadAll();
        Assert.Equal(2, world.Reconcile().Commands.OfType<RetireInstance>().Count());
        Assert.Equal(3, world.WarmReserved(r.Id));
        Assert.All(world.Reserved(r.Id), i => Assert.Equal(V120, i.Template.Hash));
        status = world.Status(r.Id);
        Assert.Equal((3, 0, ReservationState.Ready, "3 warm on 1.2.0 (4444444)"), (status.Ready, status.Retiring, status.State, status.Reason));
        Assert.Equal([V120], status.ServingHashes);
    }

    [Fact]
    public void ABusyOldInstanceRetiresOnlyAfterItsCallFinishes()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=8,host.memory=8192"));
        var r = Ready(world, 1);
        var busy = world.Call("alice", V100)!;

        world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);
        world.Reconcile();
        world.LoadAll();
        Assert.Empty(world.Reconcile().Commands);
        var status = world.Status(r.Id);
        Assert.Equal((ReservationState.Ready, "1 warm on 1.2.0 (4444444); retiring 1 on 1.0.0 (1111111) as their calls finish"), (status.State, status.Reason));
        Assert.Equal(InstanceState.Busy, busy.State);

        world.Finish(busy);
        Assert.Equal(new RetireInstance(r.Id, busy.Id, $"reservation {r.Id} is warm on its new build"), Assert.Single(world.Reconcile().Commands));
    }

    [Fact]
    public void WithRoomForOneMoreInstanceTheRollProceedsOneAtATime()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=4,host.memory=8192"));
        var r = Ready(world, 3);
        world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);

        for (var round = 1; round <= 3; round++)
        {
            world.Reconcile();
            Assert.Equal(3, world.WarmReserved(r.Id));
            Assert.Equal(1, world.Reserved(r.Id).Count(i => i.State == InstanceState.Starting && i.Worker is not null));
            Assert.StartsWith($"rolling to 1.2.0 (4444444): ", world.Status(r.Id).Reason, StringComparison.Ordinal);
            world.LoadAll();
        }

        world.Reconcile();
        Assert.Equal(ReservationState.Ready, world.Status(r.Id).State);
        Assert.All(world.Reserved(r.Id), i => Assert.Equal(V120, i.Template.Hash));
    }

    [Fact]
    public void WithNoRoomAtAllTheOldBuildKeepsServingAndTheReasonSaysWhy()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=2,host.memory=8192"));
        var r = Ready(world, 2);
        world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);

        world.Reconcile();
        Assert.Equal(2, world.WarmReserved(r.Id));
        Assert.Equal("rolling to 1.2.0 (4444444): waiting for capacity: needs host.processors=1, and every worker has all of its host.processors in use; 2 on 1.0.0 (1111111) keep serving until then",
            world.Status(r.Id).Reason);
    }

    [Fact]
    public void ACompileMovesALatestCompiledReservationAndLeavesAPinnedOneAlone()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=8,host.memory=8192"));
        var compiled = world.Add("alice", "acme/model", "latest_compiled", 1);
        var pinned = world.Add("alice", "acme/model/1.0.0", "semver", 1);
        world.Reconcile();
        world.LoadAll();
        world.Reconcile();

        world.Catalog.Push(Model, HashOf(5));
        var starts = world.Reconcile().Commands.OfType<StartReservedInstance>().ToList();
        Assert.Equal((compiled.Id, HashOf(5)), (Assert.Single(starts).ReservationId, starts[0].Template.Hash));
        Assert.Equal(ReservationState.Ready, world.Status(pinned.Id).State);
    }

    /// <summary>
    /// Whatever order publishes, loads and reconciliations come in, and however little spare room the cluster has, a
    /// reservation that was ready never has fewer warm instances than its count, and it ends on the newest build.
    /// </summary>
    [Fact]
    public void NoSequenceOfPublishesAndLoadsMakesTheWarmCountDip()
    {
        var steps = Gen.Int[0, 2].Select(Gen.Int[1, 3]).Array[1, 25];
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3], steps).Sample((count, spare, sequence) =>
        {
            var world = new ReservationWorld(Standard(), ("w1", $"host.processors={count + 1 + spare},host.memory=65536"));
            var r = Ready(world, count);
            var published = 4;
            var latest = V100;
            foreach (var (step, amount) in sequence)
            {
                switch (step)
                {
                    case 0 when published < 15:
                        published++;
                        latest = HashOf(published);
                        world.Catalog.Push(Model, latest).Publish(Model, latest, $"1.{published}.0", Visibility.Public);
                        break;
                    case 1:
                        world.LoadAll(amount);
                        break;
                    default:
                        world.Reconcile();
                        break;
                }

                Assert.True(world.WarmReserved(r.Id) >= count, $"{world.WarmReserved(r.Id)} warm, below {count}");
            }

            for (var settle = 0; settle < 2 * count + 2; settle++)
            {
                world.Reconcile();
                world.LoadAll();
            }

            world.Reconcile();
            Assert.Equal(ReservationState.Ready, world.Status(r.Id).State);
            Assert.Equal(count, world.WarmReserved(r.Id));
            Assert.All(world.Reserved(r.Id), i => Assert.Equal(latest, i.Template.Hash));
        }, iter: 300);
    }

    private static ReservationDefinition Ready(ReservationWorld world, int count)
    {
        var r = world.Add("alice", "acme/model", "latest_public", count);
        world.Reconcile();
        world.LoadAll();
        world.Reconcile();
        Assert.Equal(ReservationState.Ready, world.Status(r.Id).State);
        return r;
    }
}
