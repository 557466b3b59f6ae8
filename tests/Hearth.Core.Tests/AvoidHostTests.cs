using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>Work that just failed or was lost on a host goes elsewhere when another host fits, and back there only when none does.</summary>
public sealed class AvoidHostTests
{
    [Theory]
    [InlineData("h1: host.processors=2; h2: host.processors=2", "h1", "host.processors=1", "dispatch retry h2 host.processors=1")]
    [InlineData("h1: host.processors=2; h2: host.processors=2", "h2", "host.processors=1", "dispatch retry h1 host.processors=1")]
    [InlineData("h1: host.processors=2; h2: host.processors=1", "h1", "host.processors=2", "dispatch retry h1 host.processors=2")]
    [InlineData("h1: host.processors=4", "h1", "host.processors=1", "dispatch retry h1 host.processors=1")]
    [InlineData("h1: host.processors=2; h2: host.processors=2", "gone", "host.processors=1", "dispatch retry h1 host.processors=1")]
    [InlineData("h1: host.processors=4; h2: host.processors=2", "h1", "host.processors=1+", "dispatch retry h2 host.processors=2")]
    public void AvoidedHostIsTakenOnlyWhenNoOtherFits(string hosts, string avoid, string spec, string expected)
    {
        var cluster = TestCluster.Create(hosts);
        cluster.Submit(new WorkRequest("retry", ResourceRequest.Parse(spec), WorkRequest.DefaultPriority, 1, AvoidHost: avoid));

        Assert.Equal([expected], cluster.Cycle());
    }

    [Fact]
    public void WorkWithoutAHostToAvoidIsPlacedAsBefore()
    {
        var cluster = TestCluster.Create("h1: host.processors=2; h2: host.processors=2");
        cluster.Submit("first", "host.processors=1");

        Assert.Equal(["dispatch first h1 host.processors=1"], cluster.Cycle());
    }
}
