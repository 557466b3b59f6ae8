using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>The queue rules, global resources and worker loss, over several cycles.</summary>
public sealed class PlacementRulesTests
{
    [Fact]
    public void PendingWorkIsTakenByPriorityThenSubmission()
    {
        var cluster = TestCluster.Create("h1: host.processors=1");
        cluster.Start("running", "host.processors=1");
        cluster.Submit("a5", null, priority: 5);
        cluster.Submit("b1", null, priority: 1);
        cluster.Submit("c5", null, priority: 5);
        cluster.Submit("d1", null, priority: 1);
        cluster.Submit("e", null);
        Assert.Equal("b1,d1,a5,c5,e", cluster.PendingText());

        var order = new List<string>();
        var current = "running";
        for (var i = 0; i < 5; i++)
        {
            cluster.Finish(current);
            var decision = Assert.Single(cluster.Cycle());
            current = decision.Split(' ')[1];
            order.Add(current);
        }

        Assert.Equal(["b1", "d1", "a5", "c5", "e"], order);
    }

    [Fact]
    public void WorkThatDoesNotFitDoesNotBlockWorkBehindIt()
    {
        var cluster = TestCluster.Create("h1: host.processors=4,host.memory=1000", "global.maya=1");
        cluster.Submit("too-big", "host.processors=8", priority: 1);
        cluster.Submit("too-much-memory", "host.memory=2000", priority: 1);
        cluster.Submit("two-licenses", "global.maya=2", priority: 1);
        cluster.Submit("small", "host.processors=2", priority: 9999);
        cluster.Submit("licensed", "global.maya=1", priority: 9999);

        Assert.Equal(["dispatch small h1 host.processors=2", "dispatch licensed h1 host.processors=1,global.maya=1"], cluster.Cycle());
        Assert.Equal("too-big,too-much-memory,two-licenses", cluster.PendingText());
    }

    [Fact]
    public void WorkWaitingForAnIdleHostDoesNotBlockWorkBehindIt()
    {
        var cluster = TestCluster.Create("h1: host.processors=4");
        cluster.Start("busy", "host.processors=1");
        cluster.Submit("whole-host", "host.processors=all", priority: 1);
        cluster.Submit("one", "host.processors=1", priority: 2);

        Assert.Equal(["dispatch one h1 host.processors=1"], cluster.Cycle());

        cluster.Finish("busy");
        Assert.Empty(cluster.Cycle());
        cluster.Finish("one");
        Assert.Equal(["dispatch whole-host h1 host.processors=4"], cluster.Cycle());
    }

    [Fact]
    public void ALicenseCountedClusterWideSerialisesTheJobsThatNeedIt()
    {
        var cluster = TestCluster.Create("h1: host.processors=8; h2: host.processors=8", "global.maya=1");
        cluster.Submit("a", "host.processors=1,global.maya=1");
        cluster.Submit("b", "host.processors=1,global.maya=1");

        Assert.Equal(["dispatch a h1 host.processors=1,global.maya=1"], cluster.Cycle());
        Assert.Equal("b", cluster.PendingText());
        Assert.Equal("global.maya 1/1", cluster.GlobalUsage());
        Assert.Empty(cluster.Cycle());

        cluster.Finish("a");
        Assert.Equal(["dispatch b h1 host.processors=1,global.maya=1"], cluster.Cycle());
        Assert.Equal("global.maya 1/1", cluster.GlobalUsage());

        cluster.Finish("b");
        Assert.Equal("global.maya 0/1", cluster.GlobalUsage());
    }

    [Fact]
    public void AJobWithNoReservationStringReservesOneProcessor()
    {
        var cluster = TestCluster.Create("h1: host.processors=2,host.memory=1000");

        var work = cluster.Start("plain", null);

        Assert.Equal("host.processors=1", work.Allocation.ToString());
        Assert.Same(ResourceRequest.Default, work.Request.Spec);
        Assert.Equal("host.memory 0/1000, host.processors 1/2", cluster.Usage("h1"));
    }

    [Fact]
    public void AReservationThatDoesNotNameProcessorsStillTakesOne()
    {
        var cluster = TestCluster.Create("h1: host.processors=2,host.memory=1000");
        cluster.Submit("a", "host.memory=100");
        cluster.Submit("b", "host.memory=100");
        cluster.Submit("c", "host.memory=100");

        Assert.Equal(["dispatch a h1 host.processors=1,host.memory=100", "dispatch b h1 host.processors=1,host.memory=100"], cluster.Cycle());
        Assert.Equal("c", cluster.PendingText());
        Assert.Equal("host.memory 200/1000, host.processors 2/2", cluster.Usage("h1"));
    }

    [Fact]
    public void HostLossReleasesExactlyOnceAndRequeuedWorkDispatchesElsewhere()
    {
        var cluster = TestCluster.Create("h1: host.processors=4,host.memory=1000; h2: host.processors=4,host.memory=1000", "global.maya=2");
        cluster.Start("a", "host.processors=3,host.memory=600,global.maya=1");
        cluster.Start("b", "host.processors=1");
        Assert.Equal("a@h1 host.processors=3,host.memory=600,global.maya=1; b@h1 host.processors=1", cluster.RunningText());

        var lost = cluster.HostDown("h1");

        Assert.Equal(["a", "b"], lost.Select(w => w.Id));
        Assert.Equal("host.memory 0/1000, host.processors 0/4", cluster.Usage("h1"));
        Assert.Equal("global.maya 0/2", cluster.GlobalUsage());
        Assert.Null(cluster.Finish("a"));
        Assert.Equal("global.maya 0/2", cluster.GlobalUsage());

        foreach (var work in lost)
        {
            cluster.Submit(work.Request);
        }

        Assert.Equal(["dispatch a h2 host.processors=3,host.memory=600,global.maya=1", "dispatch b h2 host.processors=1"], cluster.Cycle());

        cluster.HostUp("h1");
        Assert.Empty(cluster.Cycle());
        Assert.Equal("host.memory 0/1000, host.processors 0/4", cluster.Usage("h1"));
        Assert.Equal("host.memory 600/1000, host.processors 4/4", cluster.Usage("h2"));
        Assert.Equal("global.maya 1/2", cluster.GlobalUsage());
    }

    [Fact]
    public void ADownHostIsNeverChosen()
    {
        var cluster = TestCluster.Create("h1: host.processors=8; h2: host.processors=2");
        cluster.HostDown("h1");
        cluster.Submit("whole", "host.processors=all");
        cluster.Submit("greedy", "host.processors=1+");
        cluster.Submit("range", "host.processors=1-8");
        cluster.Submit("exact", "host.processors=1");

        Assert.Equal(["dispatch whole h2 host.processors=2"], cluster.Cycle());
        Assert.Equal("greedy,range,exact", cluster.PendingText());

        cluster.Finish("whole");
        Assert.Equal(["dispatch greedy h2 host.processors=2"], cluster.Cycle());
        Assert.Empty(cluster.Cycle());

        cluster.HostUp("h1");
        Assert.Equal(["dispatch range h1 host.processors=8"], cluster.Cycle());
    }

    [Fact]
    public void HostsWithHugeProcessorCountsArePlacedLikeAnyOther()
    {
        var cluster = TestCluster.Create("h1: host.processors=2147483647; h2: host.processors=5000; h3: host.processors=4");
        cluster.Submit("small", "host.processors=4");
        cluster.Submit("mid", "host.processors=4096");
        cluster.Submit("big", "host.processors=5000");
        cluster.Submit("rest", "host.processors=1+");

        Assert.Equal(
            [
                "dispatch small h3 host.processors=4",
                "dispatch mid h2 host.processors=4096",
                "dispatch big h1 host.processors=5000",
                "dispatch rest h1 host.processors=2147478647",
            ],
            cluster.Cycle());
        cluster.Ledger.AssertConsistent();

        cluster.Finish("rest");
        cluster.Finish("mid");
        cluster.Ledger.AssertConsistent();
        cluster.Submit("whole", "host.processors=all");
        Assert.Equal(["dispatch whole h2 host.processors=5000"], cluster.Cycle());
        Assert.Equal("host.processors 5000/2147483647", cluster.Usage("h1"));
    }

    [Fact]
    public void AnUnknownGlobalResourceIsRefusedAtSubmitWithAClearMessage()
    {
        var cluster = TestCluster.Create("h1: host.processors=4", "global.maya=1");

        var error = Assert.Throws<PlacementException>(() => cluster.Submit("x", "host.processors=1,global.nuke=1"));

        Assert.Equal("item \"global.nuke=1\": unknown global resource global.nuke; the cluster defines none by that name", error.Message);
        Assert.False(cluster.IsPending("x"));
        Assert.Empty(cluster.Pending);
    }

    [Fact]
    public void AnIdAlreadyQueuedOrRunningIsRefused()
    {
        var cluster = TestCluster.Create("h1: host.processors=1");
        cluster.Start("a", null);
        cluster.Submit("b", null);

        var running = Assert.Throws<PlacementException>(() => cluster.Submit("a", null));
        var queued = Assert.Throws<PlacementException>(() => cluster.Submit("b", null));

        Assert.Equal("work a is already queued or running", running.Message);
        Assert.Equal("work b is already queued or running", queued.Message);
        Assert.Equal("b", cluster.PendingText());
    }

    [Fact]
    public void FinishingTwiceReleasesOnce()
    {
        var cluster = TestCluster.Create("h1: host.processors=4");
        cluster.Start("a", "host.processors=3");
        cluster.Start("b", "host.processors=1");

        Assert.NotNull(cluster.Finish("a"));
        var after = ClusterChecks.Snapshot(cluster);
        Assert.Null(cluster.Finish("a"));
        Assert.Null(cluster.Finish("never-submitted"));

        Assert.Equal(after, ClusterChecks.Snapshot(cluster));
        Assert.Equal("host.processors 1/4", cluster.Usage("h1"));
    }

    [Fact]
    public void AStalePlanIsRefusedAndChangesNothing()
    {
        var cluster = TestCluster.Create("h1: host.processors=4");
        cluster.Submit("a", "host.processors=3");
        var stale = PlacementEngine.Decide(cluster);
        cluster.Withdraw("a");
        cluster.Start("b", "host.processors=2");
        cluster.Submit("a", "host.processors=3");
        var before = ClusterChecks.Snapshot(cluster);

        var error = Assert.Throws<LedgerException>(() => cluster.Apply(stale));

        Assert.Equal("host.processors=3 does not fit on h1: 2 free", error.Message);
        Assert.Equal(before, ClusterChecks.Snapshot(cluster));
        Assert.True(cluster.IsPending("a"));
        Assert.True(cluster.Withdraw("a"));
        Assert.Empty(cluster.Pending);
    }

    [Fact]
    public void AdoptedWorkHoldsItsResourcesAndIsReleasedLikeAnyOther()
    {
        var cluster = TestCluster.Create("h1: host.processors=4; h2: host.processors=4");
        var request = new WorkRequest("a", ResourceRequest.Parse("host.processors=3"), 5, 0);
        cluster.Adopt(new RunningWork(request, "h2", TestCluster.Allocation("host.processors=3")));

        Assert.Equal("host.processors 3/4", cluster.Usage("h2"));
        Assert.Throws<PlacementException>(() => cluster.Adopt(new RunningWork(request, "h1", TestCluster.Allocation("host.processors=3"))));
        cluster.HostDown("h1");
        var onDownHost = new RunningWork(request with { Id = "b" }, "h1", TestCluster.Allocation("host.processors=1"));
        Assert.Throws<LedgerException>(() => cluster.Adopt(onDownHost));
        Assert.Null(cluster.FindRunning("b"));

        Assert.Equal("h2", cluster.Finish("a")?.Host);
        Assert.Equal("host.processors 0/4", cluster.Usage("h2"));
    }
}
