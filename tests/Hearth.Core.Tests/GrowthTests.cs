using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary><c>N-M</c> work: starts with what is open, grows toward M on its own host as units free up, in priority order.</summary>
public sealed class GrowthTests
{
    [Fact]
    public void RangeStartsWithWhatIsOpenAndGrowsToMaxAsUnitsFree()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Start("b", "host.processors=5");

        cluster.Submit("r", "host.processors=2-8");
        Assert.Equal(["dispatch r h1 host.processors=3"], cluster.Cycle());

        cluster.Finish("b");
        Assert.Equal(["grow r h1 host.processors=8 (+host.processors=5)"], cluster.Cycle());
        Assert.Equal("r@h1 host.processors=8", cluster.RunningText());
        Assert.Equal("host.processors 8/8", cluster.Usage("h1"));
        Assert.Empty(cluster.Cycle());
    }

    [Fact]
    public void RangeGrowsInStepsAndStopsAtItsMax()
    {
        var cluster = TestCluster.Create("h1: host.processors=10");
        cluster.Start("b1", "host.processors=4");
        cluster.Start("b2", "host.processors=4");
        cluster.Submit("r", "host.processors=1-7");
        Assert.Equal(["dispatch r h1 host.processors=2"], cluster.Cycle());

        cluster.Finish("b1");
        Assert.Equal(["grow r h1 host.processors=6 (+host.processors=4)"], cluster.Cycle());

        cluster.Finish("b2");
        Assert.Equal(["grow r h1 host.processors=7 (+host.processors=1)"], cluster.Cycle());
        Assert.Equal("host.processors 7/10", cluster.Usage("h1"));

        cluster.Start("x", "host.processors=3");
        Assert.Equal("x@h1 host.processors=3", cluster.RunningText().Split("; ")[1]);
    }

    [Fact]
    public void RangeOnlyGrowsOnItsOwnHost()
    {
        var cluster = TestCluster.Create("h1: host.processors=4; h2: host.processors=4");
        cluster.Start("b1", "host.processors=3");
        cluster.Start("b2", "host.processors=4");
        cluster.Submit("r", "host.processors=1-4");
        Assert.Equal(["dispatch r h1 host.processors=1"], cluster.Cycle());

        cluster.Finish("b2");
        Assert.Empty(cluster.Cycle());
        Assert.Equal("host.processors 0/4", cluster.Usage("h2"));

        cluster.Finish("b1");
        Assert.Equal(["grow r h1 host.processors=4 (+host.processors=3)"], cluster.Cycle());
    }

    [Fact]
    public void MemoryRangesGrowLikeProcessorRanges()
    {
        var cluster = TestCluster.Create("h1: host.processors=4,host.memory=1000");
        cluster.Start("b", "host.processors=1,host.memory=700");
        cluster.Submit("r", "host.processors=1,host.memory=100-900");
        Assert.Equal(["dispatch r h1 host.processors=1,host.memory=300"], cluster.Cycle());

        cluster.Finish("b");

        Assert.Equal(["grow r h1 host.processors=1,host.memory=900 (+host.memory=600)"], cluster.Cycle());
        Assert.Equal("host.memory 900/1000, host.processors 1/4", cluster.Usage("h1"));
    }

    [Fact]
    public void AtEqualPriorityGrowthComesBeforePendingWork()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Start("b", "host.processors=4", priority: 10);
        cluster.Submit("r", "host.processors=2-8", priority: 10);
        Assert.Equal(["dispatch r h1 host.processors=4"], cluster.Cycle());
        cluster.Submit("p", "host.processors=2", priority: 10);
        Assert.Empty(cluster.Cycle());

        cluster.Finish("b");

        Assert.Equal(["grow r h1 host.processors=8 (+host.processors=4)"], cluster.Cycle());
        Assert.Equal("p", cluster.PendingText());
    }

    [Fact]
    public void AHigherPriorityPendingJobBeatsLowerPriorityGrowth()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Start("b", "host.processors=4", priority: 10);
        cluster.Submit("r", "host.processors=2-8", priority: 10);
        cluster.Cycle();
        cluster.Submit("p", "host.processors=3", priority: 9);

        cluster.Finish("b");

        Assert.Equal(["dispatch p h1 host.processors=3", "grow r h1 host.processors=5 (+host.processors=1)"], cluster.Cycle());
    }

    [Fact]
    public void HigherPriorityGrowthBeatsLowerPriorityPendingWork()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Start("b", "host.processors=4", priority: 5);
        cluster.Submit("r", "host.processors=2-6", priority: 5);
        cluster.Cycle();
        cluster.Submit("p", "host.processors=3", priority: 6);

        cluster.Finish("b");

        Assert.Equal(["grow r h1 host.processors=6 (+host.processors=2)"], cluster.Cycle());
        Assert.Equal("p", cluster.PendingText());
        cluster.Submit("q", "host.processors=2", priority: 7);
        Assert.Equal(["dispatch q h1 host.processors=2"], cluster.Cycle());
    }

    [Fact]
    public void GrowthInterleavesWithPendingWorkByPriority()
    {
        var cluster = TestCluster.Create("h1: host.processors=12");
        cluster.Start("b", "host.processors=8", priority: 1);
        cluster.Submit("r3", "host.processors=1-3", priority: 3);
        cluster.Submit("r7", "host.processors=1-5", priority: 7);
        Assert.Equal(["dispatch r3 h1 host.processors=3", "dispatch r7 h1 host.processors=1"], cluster.Cycle());
        cluster.Submit("p5", "host.processors=2", priority: 5);
        cluster.Submit("p9", "host.processors=1", priority: 9);

        cluster.Finish("b");

        Assert.Equal(["dispatch p5 h1 host.processors=2", "grow r7 h1 host.processors=5 (+host.processors=4)", "dispatch p9 h1 host.processors=1"], cluster.Cycle());
        Assert.Equal("host.processors 11/12", cluster.Usage("h1"));
    }

    [Fact]
    public void SeveralGrowingJobsOnOneHostGrowInPriorityThenSubmissionOrder()
    {
        // Adopted, as after a restart: the only way several ranges sit below their max on one host at once.
        var cluster = TestCluster.Create("h1: host.processors=7");
        Adopt(cluster, "b", "host.processors=4", priority: 5, sequence: 0, holds: "host.processors=4");
        Adopt(cluster, "second", "host.processors=1-4", priority: 5, sequence: 2, holds: "host.processors=1");
        Adopt(cluster, "first", "host.processors=1-4", priority: 5, sequence: 1, holds: "host.processors=1");
        Adopt(cluster, "urgent", "host.processors=1-4", priority: 2, sequence: 3, holds: "host.processors=1");
        Assert.Empty(cluster.Cycle());

        cluster.Finish("b");

        Assert.Equal(["grow urgent h1 host.processors=4 (+host.processors=3)", "grow first h1 host.processors=2 (+host.processors=1)"], cluster.Cycle());
        Assert.Equal("host.processors 7/7", cluster.Usage("h1"));
    }

    [Fact]
    public void GrowingWorkLostWithItsHostRestartsWithinItsRangeElsewhereAndDoesNotGrowBack()
    {
        var cluster = TestCluster.Create("h1: host.processors=8; h2: host.processors=4");
        cluster.Submit("r", "host.processors=2-8");
        Assert.Equal(["dispatch r h1 host.processors=8"], cluster.Cycle());

        var lost = cluster.HostDown("h1");
        cluster.Submit(Assert.Single(lost).Request);

        Assert.Equal(["dispatch r h2 host.processors=4"], cluster.Cycle());
        cluster.HostUp("h1");
        Assert.Empty(cluster.Cycle());
        Assert.Equal("host.processors 0/8", cluster.Usage("h1"));
        Assert.Equal("r@h2 host.processors=4", cluster.RunningText());
    }

    private static void Adopt(Cluster cluster, string id, string spec, int priority, long sequence, string holds) =>
        cluster.Adopt(new RunningWork(new WorkRequest(id, ResourceRequest.Parse(spec), priority, sequence), "h1", TestCluster.Allocation(holds)));
}
