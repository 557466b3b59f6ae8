using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Supervisor.Tests;

/// <summary>The audit sums live allocations from the work itself, so it catches a ledger that drifted from it.</summary>
public sealed class LedgerAuditTests
{
    [Fact]
    public void ALedgerThatMatchesItsWorkIsConsistentThroughDispatchGrowthAndExit()
    {
        var h = new SchedulerHarness("global.lic=2");
        h.Connect("w1", 4);
        h.Connect("w2", 2);
        var ranged = h.Submit("host.processors=1-4");
        var licensed = h.Submit("host.processors=1,global.lic=1", cpus: 2);
        h.Place();

        var busy = h.State.Audit();
        h.Exit(ranged.Subjobs[0].Host!, ranged.Subjobs[0].AssignmentId);
        h.Place();
        var after = h.State.Audit();

        Assert.True(busy.Consistent, string.Join('\n', busy.Problems));
        Assert.Equal(3, busy.LiveAllocations);
        Assert.Equal(2, busy.Resources.Single(l => l.Host is null && l.Resource == "global.lic").Allocated);
        Assert.Equal(6, busy.Resources.Where(l => l.Resource == "host.processors").Sum(l => l.Used));
        Assert.True(after.Consistent, string.Join('\n', after.Problems));
        Assert.Equal(2, after.LiveAllocations);
        Assert.Equal(licensed.Subjobs.Sum(s => s.Allocation.Processors), after.Resources.Where(l => l.Resource == "host.processors").Sum(l => l.Used));
    }

    [Fact]
    public void UnitsBookedWithoutWorkAreReportedWithTheResourceAndHost()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        h.Submit("host.processors=1");
        h.Place();

        var ledger = h.State.Cluster.Ledger;
        ledger.Reserve(ledger.HostIndex("w1"), new Allocation([KeyValuePair.Create(ResourceName.Processors, 2)]), startsWork: false);
        var audit = h.State.Audit();

        Assert.False(audit.Consistent);
        Assert.Equal(["host.processors on w1: used 3, but live allocations add up to 1"], audit.Problems);
    }

    [Fact]
    public void WorkTheLedgerNoLongerBooksIsReported()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        var job = h.Submit("host.processors=2");
        h.Place();

        h.State.Cluster.Finish(job.Subjobs[0].WorkId);
        var audit = h.State.Audit();

        Assert.False(audit.Consistent);
        Assert.Contains($"subjob {job.Subjobs[0].WorkId} is running on w1 but the ledger does not book it there", audit.Problems);
        Assert.Contains("host.processors on w1: used 0, but live allocations add up to 2", audit.Problems);
    }
}
