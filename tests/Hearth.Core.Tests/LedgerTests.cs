using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>The ledger's guarded changes: every refused reserve or release leaves it exactly as it was.</summary>
public sealed class LedgerTests
{
    private static readonly ResourceName Maya = new(ResourceScope.Global, "maya");

    private static (Ledger Ledger, int Host) Create()
    {
        var ledger = new Ledger();
        var host = ledger.AddHost("h1", ResourceTotals.Parse("host.processors=4,host.memory=1000", ResourceScope.Host));
        ledger.DefineGlobal(Maya, 2);
        return (ledger, host);
    }

    private static Allocation Alloc(string text) => TestCluster.Allocation(text);

    [Fact]
    public void ReservingAndReleasingMovesUsedAndTheRunningCount()
    {
        var (ledger, host) = Create();

        ledger.Reserve(host, Alloc("host.processors=3,host.memory=600,global.maya=1"), startsWork: true);

        Assert.Equal("host.memory 600/1000, host.processors 3/4", string.Join(", ", ledger.HostUsage(host).Select(u => $"{u.Resource} {u.Used}/{u.Total}")));
        Assert.Equal(1, ledger.GlobalFree(Maya));
        Assert.Equal(1, ledger.RunningOn(host));
        ledger.AssertConsistent();

        ledger.Release(host, Alloc("host.processors=3,host.memory=600,global.maya=1"), endsWork: true);

        Assert.All(ledger.HostUsage(host), u => Assert.Equal(0, u.Used));
        Assert.Equal(2, ledger.GlobalFree(Maya));
        Assert.Equal(0, ledger.RunningOn(host));
        ledger.AssertConsistent();
    }

    [Theory]
    [InlineData("host.processors=5", "host.processors=5 does not fit on h1: 4 free")]
    [InlineData("host.processors=1,host.memory=1001", "host.memory=1001 does not fit on h1: 1000 free")]
    [InlineData("host.processors=1,global.maya=3", "global.maya=3 does not fit on h1: 2 free")]
    [InlineData("host.processors=1,host.gpu=1", "host.gpu=1 does not fit on h1: 0 free")]
    public void OverCommittingIsRefusedAndChangesNothing(string allocation, string message)
    {
        var (ledger, host) = Create();
        var before = ledger.Snapshot();

        var error = Assert.Throws<LedgerException>(() => ledger.Reserve(host, Alloc(allocation), startsWork: true));

        Assert.Equal(message, error.Message);
        Assert.Equal(before, ledger.Snapshot());
    }

    [Theory]
    [InlineData("host.processors=3", "cannot release host.processors=3 on h1: only 2 in use")]
    [InlineData("host.processors=1,host.memory=101", "cannot release host.memory=101 on h1: only 100 in use")]
    [InlineData("host.processors=1,global.maya=2", "cannot release global.maya=2 on h1: only 1 in use")]
    [InlineData("host.gpu=1", "cannot release host.gpu=1 on h1: only 0 in use")]
    public void ReleasingMoreThanIsHeldIsRefusedAndChangesNothing(string allocation, string message)
    {
        var (ledger, host) = Create();
        ledger.Reserve(host, Alloc("host.processors=2,host.memory=100,global.maya=1"), startsWork: true);
        var before = ledger.Snapshot();

        var error = Assert.Throws<LedgerException>(() => ledger.Release(host, Alloc(allocation), endsWork: true));

        Assert.Equal(message, error.Message);
        Assert.Equal(before, ledger.Snapshot());
    }

    [Fact]
    public void EndingWorkOnAHostWithNoneRunningIsRefused()
    {
        var (ledger, host) = Create();
        ledger.Reserve(host, Alloc("host.processors=1"), startsWork: false);
        var before = ledger.Snapshot();

        var error = Assert.Throws<LedgerException>(() => ledger.Release(host, Alloc("host.processors=1"), endsWork: true));

        Assert.Equal("host h1 has no work to end", error.Message);
        Assert.Equal(before, ledger.Snapshot());
    }

    [Fact]
    public void ADownHostTakesNothing()
    {
        var (ledger, host) = Create();
        ledger.SetUp(host, false);
        var before = ledger.Snapshot();

        var error = Assert.Throws<LedgerException>(() => ledger.Reserve(host, Alloc("host.processors=1"), startsWork: true));

        Assert.Equal("host h1 is down", error.Message);
        Assert.Equal(before, ledger.Snapshot());
        Assert.Empty(ledger.Open.Ascending(0));
    }

    [Fact]
    public void NegativeAmountsAreRefusedByReserveAndReleaseAlike()
    {
        var (ledger, host) = Create();
        ledger.Reserve(host, Alloc("host.processors=1"), startsWork: true);
        var before = ledger.Snapshot();
        var negative = new Allocation([new(ResourceName.Processors, -3)]);

        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Reserve(host, negative, startsWork: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Release(host, negative, endsWork: false));

        Assert.Equal(before, ledger.Snapshot());
        ledger.AssertConsistent();
    }

    [Fact]
    public void AnAllocationNamesEachResourceOnce()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new Allocation([new(ResourceName.Processors, 3), new(ResourceName.Memory, 1), new(ResourceName.Processors, 3)]));

        Assert.Contains("host.processors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUndefinedGlobalResourceIsRefusedWhateverTheAmount()
    {
        var (ledger, host) = Create();
        var before = ledger.Snapshot();
        var nuke = new Allocation([new(ResourceName.Processors, 1), new(new ResourceName(ResourceScope.Global, "nuke"), 0)]);

        var reserve = Assert.Throws<LedgerException>(() => ledger.Reserve(host, nuke, startsWork: true));
        Assert.Equal(before, ledger.Snapshot());
        ledger.Reserve(host, Alloc("host.processors=1"), startsWork: true);
        var held = ledger.Snapshot();
        var release = Assert.Throws<LedgerException>(() => ledger.Release(host, nuke, endsWork: true));

        Assert.Contains("global.nuke", reserve.Message, StringComparison.Ordinal);
        Assert.Contains("global.nuke", release.Message, StringComparison.Ordinal);
        Assert.Equal(held, ledger.Snapshot());
    }

    [Fact]
    public void AHostCannotOfferANegativeOrGlobalResource()
    {
        var ledger = new Ledger();

        var negative = Assert.Throws<LedgerException>(() =>
            ledger.AddHost("h1", new Dictionary<ResourceName, int> { [ResourceName.Processors] = -1 }));
        var global = Assert.Throws<LedgerException>(() =>
            ledger.AddHost("h1", new Dictionary<ResourceName, int> { [Maya] = 1 }));

        Assert.Equal("host h1: host.processors=-1 is negative", negative.Message);
        Assert.Equal("host h1: global.maya is not a host resource", global.Message);
        Assert.Equal(0, ledger.HostCount);
    }

    [Fact]
    public void AGlobalResourceShrunkBelowWhatIsInUseKeepsWhatIsHeldAndGrantsNothingMore()
    {
        var (ledger, host) = Create();
        ledger.Reserve(host, Alloc("host.processors=1,global.maya=2"), startsWork: true);
        var before = ledger.Snapshot();

        ledger.DefineGlobal(Maya, 1);
        Assert.Equal(0, ledger.GlobalFree(Maya));
        Assert.Throws<LedgerException>(() => ledger.Reserve(host, Alloc("host.processors=1,global.maya=1"), startsWork: true));
        ledger.DefineGlobal(Maya, 5);

        Assert.Equal(before.Replace("global.maya=2/2", "global.maya=2/5", StringComparison.Ordinal), ledger.Snapshot());
        ledger.Release(host, Alloc("host.processors=1,global.maya=2"), endsWork: true);
        Assert.Equal(5, ledger.GlobalFree(Maya));
        Assert.Throws<LedgerException>(() => ledger.DefineGlobal(ResourceName.Memory, 1));
    }

    [Fact]
    public void AKnownHostTakesNewTotalsOnlyWhenItHoldsNothing()
    {
        var (ledger, host) = Create();
        ledger.Reserve(host, Alloc("host.processors=1"), startsWork: true);

        var busy = Assert.Throws<LedgerException>(() => ledger.AddHost("h1", ResourceTotals.Parse("host.processors=2", ResourceScope.Host)));
        ledger.Release(host, Alloc("host.processors=1"), endsWork: true);
        ledger.SetUp(host, false);
        var again = ledger.AddHost("h1", ResourceTotals.Parse("host.processors=16", ResourceScope.Host));

        Assert.Equal("host h1 still holds work; release it before changing its resources", busy.Message);
        Assert.Equal(host, again);
        Assert.True(ledger.IsUp(host));
        Assert.Equal(16, ledger.Free(host, ResourceName.Processors));
        ledger.AssertConsistent();
    }
}
