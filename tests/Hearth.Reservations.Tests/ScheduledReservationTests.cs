using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.ReservationScheduleTests;

namespace Hearth.Reservations.Tests;

public sealed class ScheduledReservationTests
{
    private static ReservationWorld World(string start) => new(At(start), TestCatalog.Standard(), ("w1", "host.processors=8,host.memory=8192"));

    [Fact]
    public void TheReconcilerWarmsAWindowsInstancesBeforeItOpensAndReleasesThemAtItsClose()
    {
        var world = World("Mon 07:00:00");
        var r = world.Add("alice", "acme/model", "latest_public", 1, new ScheduleWindowInput("0 8 * * MON-FRI", "0 18 * * MON-FRI", "5"));

        var plan = world.Reconcile();
        Assert.Single(plan.Commands.OfType<StartReservedInstance>());
        Assert.Equal(At("Mon 07:58:00"), plan.NextDue);
        world.LoadAll();

        world.Time.SetUtcNow(At("Mon 07:57:59"));
        Assert.Empty(world.Reconcile().Commands);
        world.Time.SetUtcNow(At("Mon 07:58:00"));
        plan = world.Reconcile();
        Assert.Equal(4, plan.Commands.OfType<StartReservedInstance>().Count());
        Assert.Equal(At("Mon 18:00:00"), plan.NextDue);
        Assert.Equal((5, 1, 4), (world.Status(r.Id).Desired, world.Status(r.Id).Ready, world.Status(r.Id).Starting));
        world.LoadAll();
        world.Time.SetUtcNow(At("Mon 08:00:00"));
        plan = world.Reconcile();
        Assert.Empty(plan.Commands);
        Assert.Equal(At("Mon 18:00:00"), plan.NextDue);
        Assert.Equal(ReservationState.Ready, world.Status(r.Id).State);

        world.Time.SetUtcNow(At("Mon 18:00:00"));
        plan = world.Reconcile();
        Assert.Equal(4, plan.Commands.OfType<ReleaseInstance>().Count());
        Assert.Equal(At("Tue 07:58:00"), plan.NextDue);
        Assert.Equal((1, 1, ReservationState.Ready), (world.Status(r.Id).Desired, world.Status(r.Id).Ready, world.Status(r.Id).State));
        Assert.Single(world.Reserved(r.Id));
        Assert.Equal(5, world.Pool.Instances.Count);
    }

    [Fact]
    public void OnAWeekendTheBaseCountHoldsUntilMonday()
    {
        var world = World("Sat 12:00:00");
        var r = world.Add("alice", "acme/model", "latest_public", 2, new ScheduleWindowInput("0 8 * * MON-FRI", "0 18 * * MON-FRI", "5"));
        var plan = world.Reconcile();
        Assert.Equal(2, plan.Commands.Count);
        Assert.Equal(At("Mon 07:58:00").AddDays(7), plan.NextDue);
        Assert.Equal(2, world.Status(r.Id).Desired);
    }
}
