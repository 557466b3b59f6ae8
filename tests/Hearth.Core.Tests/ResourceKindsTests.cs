using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>The cluster-wide resource kinds (license with outside use, global_host once per host) and run-time totals.</summary>
public sealed class ResourceKindsTests
{
    [Theory]
    [InlineData("license.nuke=2", "license", "nuke", 2)]
    [InlineData("global_host.mtx=1", "global_host", "mtx", 1)]
    [InlineData("LICENSE.Nuke=3", null, null, 0)]
    [InlineData("global_host.MTX=4", "global_host", "mtx", 4)]
    public void TheNewKindsParseAsPlainCounts(string text, string? type, string? name, int count)
    {
        if (type is null)
        {
            var error = Assert.Throws<ResourceRequestSyntaxException>(() => ResourceRequest.Parse(text));
            Assert.Contains("unknown resource type \"LICENSE\"", error.Message, StringComparison.Ordinal);
            return;
        }

        var item = Assert.Single(ResourceRequest.Parse(text).Items);
        Assert.Equal((type, name, GrantMode.Exact, count), (item.Resource.TypeText, item.Resource.Name, item.Mode, item.Min));
    }

    [Theory]
    [InlineData("license.nuke=2+", "item 1 \"license.nuke=2+\": license resources take a plain count N")]
    [InlineData("global_host.mtx=all", "item 1 \"global_host.mtx=all\": global_host resources take a plain count N")]
    [InlineData("global_host.mtx=1-2", "item 1 \"global_host.mtx=1-2\": global_host resources take a plain count N")]
    [InlineData("license.=1", "item 1 \"license.=1\": resource \"license.\" has no name after \"license.\"")]
    public void ElasticFormsAndBadNamesAreRefusedForTheNewKinds(string text, string expected)
    {
        var error = Assert.Throws<ResourceRequestSyntaxException>(() => ResourceRequest.Parse(text));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // total, farm use before the report, outside use reported, expected free
    [InlineData(10, 0, 7, 3)]
    [InlineData(10, 2, 7, 1)]
    [InlineData(10, 4, 7, 0)] // farm and outside together past the total: nothing free, nothing negative
    [InlineData(10, 0, 12, 0)]
    [InlineData(10, 3, 0, 7)]
    public void ALicenseOffersItsTotalLessFarmUseLessOutsideUseAndNeverLessThanNothing(int total, int farm, int outside, int free)
    {
        var cluster = TestCluster.Create("h1: host.processors=16", $"license.nuke={total}");
        if (farm > 0)
        {
            cluster.Start("farm", $"license.nuke={farm}");
        }

        cluster.Ledger.SetOutsideUse(new ResourceName(ResourceScope.License, "nuke"), outside);
        var usage = Assert.Single(cluster.Ledger.GlobalUsage());
        Assert.Equal((total, farm, outside, free), (usage.Total, usage.Used, usage.Outside, usage.Free));
        Assert.Equal(free, cluster.Ledger.GlobalFree(usage.Resource));

        // Running work keeps what it holds and releases it normally, whatever outside use does meanwhile.
        if (farm > 0)
        {
            Assert.NotNull(cluster.Finish("farm"));
            Assert.Equal(Math.Max(0, total - outside), cluster.Ledger.GlobalFree(usage.Resource));
        }
    }

    [Fact]
    public void ALicenseHeldBackByOutsideUseDispatchesOnceOutsideUseDrops()
    {
        var cluster = TestCluster.Create("h1: host.processors=4", "license.nuke=2");
        var nuke = new ResourceName(ResourceScope.License, "nuke");
        cluster.Ledger.SetOutsideUse(nuke, 2);
        cluster.Submit("comp", "license.nuke=1");
        Assert.Empty(cluster.Cycle());
        cluster.Ledger.SetOutsideUse(nuke, 1);
        Assert.Equal(["dispatch comp h1 host.processors=1,license.nuke=1"], cluster.Cycle());
    }

    [Fact]
    public void AGlobalHostResourceIsTakenOncePerHostHoweverManyPiecesOfWorkThereHoldIt()
    {
        var cluster = TestCluster.Create("h1: host.processors=4; h2: host.processors=4", "global_host.mtx=2");
        var mtx = new ResourceName(ResourceScope.GlobalHost, "mtx");
        cluster.Submit("a", "host.processors=3,global_host.mtx=1");
        cluster.Submit("b", "global_host.mtx=1");
        cluster.Submit("c", "global_host.mtx=1");
        cluster.Cycle();
        Assert.Equal(3, cluster.Running.Count);
        Assert.Equal(2, cluster.Running.Select(w => w.Host).Distinct().Count());
        Assert.Equal(2, Assert.Single(cluster.Ledger.GlobalUsage()).Used);

        // A third host has none left, but both hosts that hold it can still take more work using it.
        cluster.AddHost("h3", ResourceTotals.Parse("host.processors=8", ResourceScope.Host));
        cluster.Submit("d", "host.processors=5,global_host.mtx=1");
        Assert.Empty(cluster.Cycle());
        Assert.Equal(0, cluster.Ledger.GlobalHostFree(cluster.Ledger.HostIndex("h3"), mtx));
        cluster.Submit("e", "global_host.mtx=1");
        Assert.Single(cluster.Cycle());

        // The host's charge is returned only when its last holder ends.
        var onH1 = cluster.Running.Where(w => w.Host == "h1").Select(w => w.Id).ToList();
        Assert.True(onH1.Count >= 2);
        cluster.Finish(onH1[0]);
        Assert.Equal(0, cluster.Ledger.GlobalFree(mtx));
        foreach (var id in onH1.Skip(1))
        {
            cluster.Finish(id);
        }

        Assert.Equal(1, cluster.Ledger.GlobalFree(mtx));
        Assert.Equal(["dispatch d h3 host.processors=5,global_host.mtx=1"], cluster.Cycle());
    }

    [Fact]
    public void AHostsChargeIsTheMostAnyHolderAskedFor()
    {
        var cluster = TestCluster.Create("h1: host.processors=4", "global_host.mtx=3");
        var mtx = new ResourceName(ResourceScope.GlobalHost, "mtx");
        cluster.Start("one", "global_host.mtx=1");
        cluster.Start("two", "global_host.mtx=2");
        Assert.Equal(1, cluster.Ledger.GlobalFree(mtx));
        cluster.Finish("two");
        Assert.Equal(2, cluster.Ledger.GlobalFree(mtx));
        cluster.Finish("one");
        Assert.Equal(3, cluster.Ledger.GlobalFree(mtx));
    }

    [Fact]
    public void LoweringATotalBelowItsUseStopsNewWorkButKeepsRunningWork()
    {
        var cluster = TestCluster.Create("h1: host.processors=4,host.gpu=2", "global.maya=3");
        var maya = new ResourceName(ResourceScope.Global, "maya");
        var gpu = new ResourceName(ResourceScope.Host, "gpu");
        cluster.Start("a", "global.maya=2,host.gpu=2");
        cluster.Ledger.DefineGlobal(maya, 1);
        cluster.SetHostTotal("h1", gpu, 1);
        cluster.Submit("b", "global.maya=1");
        cluster.Submit("c", "host.gpu=1");
        Assert.Empty(cluster.Cycle());
        Assert.Equal((1, 2, 0), (cluster.Ledger.GlobalUsage()[0].Total, cluster.Ledger.GlobalUsage()[0].Used, cluster.Ledger.GlobalUsage()[0].Free));
        Assert.Equal(0, cluster.Ledger.Free(0, gpu));

        Assert.NotNull(cluster.Finish("a"));
        Assert.Equal(["dispatch b h1 host.processors=1,global.maya=1", "dispatch c h1 host.processors=1,host.gpu=1"], cluster.Cycle());
        Assert.Equal(0, cluster.Ledger.GlobalFree(maya));
    }

    [Fact]
    public void RaisingAHostTotalLetsRangeWorkGrowThere()
    {
        var cluster = TestCluster.Create("h1: host.processors=2");
        cluster.Start("r", "host.processors=1-4");
        cluster.SetHostTotal("h1", ResourceName.Processors, 4);
        Assert.Equal(["grow r h1 host.processors=4 (+host.processors=2)"], cluster.Cycle());
    }

    [Fact]
    public void OutsideUseIsForLicensesOnly()
    {
        var ledger = new Ledger();
        ledger.DefineGlobal(new ResourceName(ResourceScope.Global, "maya"), 2);
        var error = Assert.Throws<LedgerException>(() => ledger.SetOutsideUse(new ResourceName(ResourceScope.Global, "maya"), 1));
        Assert.Contains("not a license resource", error.Message, StringComparison.Ordinal);
        Assert.Throws<LedgerException>(() => ledger.SetOutsideUse(new ResourceName(ResourceScope.License, "none"), 1));
    }
}
