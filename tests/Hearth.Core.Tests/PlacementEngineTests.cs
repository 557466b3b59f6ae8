using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// Dispatch, row by row: on a given cluster, with some work already started (<c>busy</c>, started in order),
/// one more reservation gives exactly this decision, or none.
/// </summary>
public sealed class PlacementEngineTests
{
    private const string Two = "h1: host.processors=4,host.memory=1000; h2: host.processors=8,host.memory=4000";
    private const string Gpu = "h1: host.processors=8; h2: host.processors=8,host.gpu=2";

    [Theory]
    // N: exactly N, on the host with the fewest open processors that has N (best fit)
    [InlineData(Two, "", "", "host.processors=2", "dispatch x h1 host.processors=2")]
    [InlineData(Two, "", "", "host.processors=4", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "", "host.processors=6", "dispatch x h2 host.processors=6")]
    [InlineData(Two, "", "", "host.processors=9", "none")]
    [InlineData(Two, "", "host.processors=6", "host.processors=2", "dispatch x h2 host.processors=2")]
    [InlineData(Two, "", "host.processors=6", "host.processors=3", "dispatch x h1 host.processors=3")]
    [InlineData(Two, "", "host.processors=4|host.processors=8", "host.processors=1", "none")]
    // N+: a host with at least N open, then every open unit there
    [InlineData(Two, "", "", "host.processors=2+", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "", "host.processors=8+", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "", "host.processors=9+", "none")]
    [InlineData(Two, "", "host.processors=6", "host.processors=1+", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "host.processors=6", "host.processors=3+", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "host.processors=6", "host.processors=5+", "none")]
    [InlineData(Two, "", "host.processors=2+", "host.processors=1+", "dispatch x h1 host.processors=4")]
    // N* and all: an idle host with at least N open, then all of it
    [InlineData(Two, "", "", "host.processors=2*", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "", "host.processors=5*", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "", "host.processors=9*", "none")]
    [InlineData(Two, "", "", "host.processors=all", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "host.processors=3", "host.processors=1*", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "host.processors=3", "host.processors=all", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "host.processors=1|host.processors=1", "host.processors=all", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "host.processors=4|host.processors=1", "host.processors=all", "none")]
    [InlineData(Two, "", "host.processors=4|host.processors=1", "host.processors=1*", "none")]
    // N-M: a host with at least N open, as many as are open up to M (a host with M open first)
    [InlineData(Two, "", "", "host.processors=2-3", "dispatch x h1 host.processors=3")]
    [InlineData(Two, "", "", "host.processors=2-6", "dispatch x h2 host.processors=6")]
    [InlineData(Two, "", "", "host.processors=2-20", "dispatch x h2 host.processors=8")]
    [InlineData(Two, "", "", "host.processors=9-12", "none")]
    [InlineData(Two, "", "host.processors=6", "host.processors=3-8", "dispatch x h1 host.processors=4")]
    [InlineData(Two, "", "host.processors=6", "host.processors=1-2", "dispatch x h2 host.processors=2")]
    [InlineData(Two, "", "host.processors=6", "host.processors=5-8", "none")]
    // other host resources: every item's minimum must be open on the chosen host
    [InlineData(Two, "", "", "host.memory=500", "dispatch x h1 host.processors=1,host.memory=500")]
    [InlineData(Two, "", "", "host.memory=2000", "dispatch x h2 host.processors=1,host.memory=2000")]
    [InlineData(Two, "", "", "host.memory=5000", "none")]
    [InlineData(Two, "", "", "host.memory=512,host.processors=3", "dispatch x h1 host.memory=512,host.processors=3")]
    [InlineData(Two, "", "", "host.processors=2,host.memory=500+", "dispatch x h1 host.processors=2,host.memory=1000")]
    [InlineData(Two, "", "", "host.processors=2,host.memory=2000+", "dispatch x h2 host.processors=2,host.memory=4000")]
    [InlineData(Two, "", "", "host.processors=1,host.memory=100-3000", "dispatch x h1 host.processors=1,host.memory=1000")]
    [InlineData(Two, "", "", "host.processors=1,host.memory=all", "dispatch x h1 host.processors=1,host.memory=1000")]
    [InlineData(Two, "", "host.processors=2,host.memory=800", "host.processors=1,host.memory=500", "dispatch x h2 host.processors=1,host.memory=500")]
    [InlineData(Two, "", "host.processors=1,host.memory=500+", "host.processors=1,host.memory=all", "dispatch x h2 host.processors=1,host.memory=4000")]
    [InlineData(Two, "", "", "host.gpu=1", "none")]
    [InlineData(Gpu, "", "", "host.gpu=1", "dispatch x h2 host.processors=1,host.gpu=1")]
    [InlineData(Gpu, "", "", "host.processors=2,host.gpu=1+", "dispatch x h2 host.processors=2,host.gpu=2")]
    [InlineData(Gpu, "", "", "host.gpu=1-4", "dispatch x h2 host.processors=1,host.gpu=2")]
    [InlineData(Gpu, "", "", "host.gpu=3", "none")]
    [InlineData(Gpu, "", "host.gpu=2", "host.gpu=1", "none")]
    // global resources: counted across the cluster, a plain N
    [InlineData(Two, "global.maya=1", "", "global.maya=1", "dispatch x h1 host.processors=1,global.maya=1")]
    [InlineData(Two, "global.maya=1", "", "host.processors=4,global.maya=1", "dispatch x h1 host.processors=4,global.maya=1")]
    [InlineData(Two, "global.maya=1", "", "global.maya=2", "none")]
    [InlineData(Two, "global.maya=1", "global.maya=1", "global.maya=1", "none")]
    [InlineData(Two, "global.maya=2", "global.maya=1", "global.maya=1", "dispatch x h1 host.processors=1,global.maya=1")]
    [InlineData(Two, "global.maya=3,global.nuke=1", "host.processors=8,global.maya=2", "global.nuke=1,global.maya=1", "dispatch x h1 host.processors=1,global.nuke=1,global.maya=1")]
    [InlineData(Two, "global.maya=3,global.nuke=1", "global.maya=1,global.nuke=1", "global.maya=1,global.nuke=1", "none")]
    // no reservation string, and a reservation that does not name host.processors
    [InlineData(Two, "", "", null, "dispatch x h1 host.processors=1")]
    [InlineData(Two, "", "host.processors=4|host.processors=8", "host.memory=1", "none")]
    [InlineData("h1: host.processors=0,host.memory=1000", "", "", "host.memory=1", "none")]
    public void OneReservationOnAGivenClusterGivesExactlyThisDecision(string hosts, string global, string busy, string? spec, string expected)
    {
        var cluster = TestCluster.Create(hosts, global);
        var i = 0;
        foreach (var started in busy.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            cluster.Start($"busy{i++}", started);
        }

        var before = cluster.Ledger.Snapshot();
        cluster.Submit("x", spec);
        var decisions = cluster.Cycle();

        Assert.Equal(expected, decisions.Count == 0 ? "none" : Assert.Single(decisions));
        if (decisions.Count == 0)
        {
            Assert.True(cluster.IsPending("x"));
            Assert.Equal(before, cluster.Ledger.Snapshot());
        }
    }
}

/// <summary>A host without isolation takes work only when no isolated host fits it; with hosts of one kind nothing changes.</summary>
public sealed class IsolationPlacementTests
{
    private const string Two = "h1: host.processors=4,host.memory=1000; h2: host.processors=8,host.memory=4000";

    [Theory]
    // h1 is the best fit, but without isolation it is passed over while h2 fits
    [InlineData("h1", "", "host.processors=2", "dispatch x h2 host.processors=2")]
    [InlineData("h1", "", "host.processors=2-3", "dispatch x h2 host.processors=3")]
    // h2 has no room left: then h1, without isolation, takes it
    [InlineData("h1", "host.processors=8", "host.processors=2", "dispatch x h1 host.processors=2")]
    // h2 cannot hold it at all
    [InlineData("h2", "", "host.processors=2", "dispatch x h1 host.processors=2")]
    [InlineData("h2", "", "host.processors=6", "dispatch x h2 host.processors=6")]
    // every host without isolation: best fit as before
    [InlineData("h1,h2", "", "host.processors=2", "dispatch x h1 host.processors=2")]
    public void AHostWithoutIsolationIsTheLastChoice(string unisolated, string busy, string spec, string expected)
    {
        var cluster = TestCluster.Create(Two, "");
        foreach (var host in unisolated.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            cluster.Ledger.SetIsolated(cluster.Ledger.HostIndex(host), false);
        }

        if (busy.Length > 0)
        {
            cluster.Start("busy", busy);
        }

        cluster.Submit("x", spec);
        Assert.Equal(expected, Assert.Single(cluster.Cycle()));
    }
}

/// <summary>An account's job goes only to hosts that take accounts' jobs; the admin's jobs and instances go anywhere.</summary>
public sealed class AccountJobPlacementTests
{
    private const string Two = "h1: host.processors=4,host.memory=1000; h2: host.processors=8,host.memory=4000";

    [Theory]
    // h1 is the best fit, but refuses accounts' jobs
    [InlineData("h1", true, "host.processors=2", "dispatch x h2 host.processors=2")]
    // the admin's job takes the best fit as before
    [InlineData("h1", false, "host.processors=2", "dispatch x h1 host.processors=2")]
    // only h1 fits, and it refuses: the job waits
    [InlineData("h1", true, "host.processors=2,host.memory=900", "dispatch x h2 host.processors=2,host.memory=900")]
    [InlineData("h2", true, "host.processors=6", "")]
    [InlineData("h1,h2", true, "host.processors=1", "")]
    [InlineData("h1,h2", false, "host.processors=1", "dispatch x h1 host.processors=1")]
    public void AnAccountsJobGoesOnlyWhereAccountsJobsAreTaken(string refusing, bool accountJob, string spec, string expected)
    {
        var cluster = TestCluster.Create(Two, "");
        foreach (var host in refusing.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            cluster.Ledger.SetTakesAccountJobs(cluster.Ledger.HostIndex(host), false);
        }

        cluster.Submit(new WorkRequest("x", ResourceRequest.Parse(spec), WorkRequest.DefaultPriority, 0, AccountJob: accountJob));
        Assert.Equal(expected.Length == 0 ? [] : [expected], cluster.Cycle());
    }
}
