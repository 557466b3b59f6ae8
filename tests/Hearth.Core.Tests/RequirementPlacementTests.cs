using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Core.Simulation;

namespace Hearth.Core.Tests;

/// <summary>Placement with requirements: work goes only to hosts that meet them, and never blocks work behind it.</summary>
public sealed class RequirementPlacementTests
{
    private const string Farm = "lin1: host.processors=2,host.memory=2000; lin2: host.processors=8,host.memory=8000; win1: host.processors=4,host.memory=16000";

    [Theory]
    [InlineData("", "host.processors=1", "", "dispatch x lin1 host.processors=1")]
    [InlineData("", "host.processors=1", "host.os == \"windows\"", "dispatch x win1 host.processors=1")]
    [InlineData("", "host.processors=1", "host.os == \"linux\" and \"gpu\" in host.groups", "dispatch x lin2 host.processors=1")]
    [InlineData("", "host.processors=1", "\"GPU\" in host.groups", "dispatch x lin2 host.processors=1")]
    [InlineData("", "host.processors=1", "host.memory.free >= 10000", "dispatch x win1 host.processors=1")]
    [InlineData("", "host.processors=1", "host.memory.total >= 4000 and host.os != \"windows\"", "dispatch x lin2 host.processors=1")]
    [InlineData("", "host.processors=1", "host.name != \"lin1\" and host.name != \"lin2\"", "dispatch x win1 host.processors=1")]
    [InlineData("", "host.processors=1", "host.cluster == \"east\"", "dispatch x win1 host.processors=1")]
    [InlineData("", "host.processors=1", "host.arch == \"arm64\"", "none")]
    [InlineData("", "host.processors=1", "host.os == \"windows\" and \"gpu\" in host.groups", "none")]
    [InlineData("", "host.processors=5", "host.os == \"windows\"", "none")]
    [InlineData("", "host.processors=2+", "host.os == \"linux\"", "dispatch x lin2 host.processors=8")]
    [InlineData("", "host.processors=2*", "host.os == \"linux\"", "dispatch x lin1 host.processors=2")]
    [InlineData("host.processors=1,host.memory=1500", "host.processors=1", "host.memory.free >= 1000", "dispatch x win1 host.processors=1")]
    [InlineData("host.processors=1,host.memory=1500", "host.processors=1", "host.processors.free >= 2", "dispatch x win1 host.processors=1")]
    public void WorkGoesOnlyWhereItsRequirementsAreMet(string busy, string spec, string requirements, string expected)
    {
        var cluster = Create();
        if (busy.Length > 0)
        {
            cluster.Start("busy", busy);
        }

        cluster.Submit(new WorkRequest("x", ResourceRequest.Parse(spec), WorkRequest.DefaultPriority, 10, Requirement.ParseOrNone(requirements)));

        var decisions = cluster.Cycle();

        Assert.Equal(expected, decisions.Count == 0 ? "none" : Assert.Single(decisions));
    }

    [Fact]
    public void UnmetRequirementsDoNotHoldBackWorkBehindThem()
    {
        var cluster = Create();
        cluster.Submit(new WorkRequest("arm", ResourceRequest.Default, 1, 1, Requirement.Parse("host.arch == \"arm64\"")));
        cluster.Submit(new WorkRequest("win", ResourceRequest.Default, 2, 2, Requirement.Parse("host.os == \"windows\"")));
        cluster.Submit(new WorkRequest("any", ResourceRequest.Default, 3, 3));

        Assert.Equal(["dispatch win win1 host.processors=1", "dispatch any lin1 host.processors=1"], cluster.Cycle());
        Assert.Equal(["arm"], cluster.Pending.Select(w => w.Id));
    }

    [Fact]
    public void AlikeWorkWithDifferentRequirementsIsTriedSeparately()
    {
        var cluster = Create();
        var spec = ResourceRequest.Parse("host.processors=4");
        cluster.Submit(new WorkRequest("a", spec, 1, 1, Requirement.Parse("host.os == \"linux\" and host.memory.total < 4000")));
        cluster.Submit(new WorkRequest("b", spec, 1, 2, Requirement.Parse("host.os == \"windows\"")));

        Assert.Equal(["dispatch b win1 host.processors=4"], cluster.Cycle());
    }

    [Fact]
    public void AHostsPropertiesOutliveItGoingDownAndComingBack()
    {
        var cluster = Create();
        cluster.HostDown("win1");
        cluster.Submit(new WorkRequest("w", ResourceRequest.Default, 1, 1, Requirement.Parse("host.os == \"windows\"")));
        Assert.Empty(cluster.Cycle());

        cluster.HostUp("win1");

        Assert.Equal(["dispatch w win1 host.processors=1"], cluster.Cycle());
    }

    [Fact]
    public void TheSimulatorPlacesByHostPropertiesAndRequirements()
    {
        const string scenario = """
            {"hosts": [{"name": "cpu1", "resources": "host.processors=4", "os": "linux", "arch": "x86_64"},
                       {"name": "gpu1", "resources": "host.processors=2", "os": "linux", "groups": ["gpu"], "cluster": "west"},
                       {"name": "win1", "resources": "host.processors=2", "os": "windows"}],
             "events": [{"submit": {"id": "train", "requirements": "\"gpu\" in host.groups"}},
                        {"submit": {"id": "west", "requirements": "host.cluster == \"west\""}},
                        {"submit": {"id": "more", "requirements": "\"gpu\" in host.groups"}},
                        {"submit": {"id": "mac", "requirements": "host.os == \"darwin\""}},
                        {"submit": {"id": "bad", "requirements": "host.os = \"linux\""}},
                        {"submit": {"id": "plain"}},
                        {"finish": "train"}]}
            """;

        var lines = Simulator.Run(Scenario.Parse(scenario)).Select(SimulatorTests.Line).ToList();

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "train", "host": "gpu1", "allocations": {"host.processors": 1}}""",
                """{"event": "dispatch", "id": "west", "host": "gpu1", "allocations": {"host.processors": 1}}""",
                """{"event": "rejected", "id": "bad", "error": "column 9: a single = is not a comparison; write =="}""",
                """{"event": "dispatch", "id": "plain", "host": "win1", "allocations": {"host.processors": 1}}""",
                """{"event": "release", "id": "train", "host": "gpu1"}""",
                """{"event": "dispatch", "id": "more", "host": "gpu1", "allocations": {"host.processors": 1}}""",
            ],
            lines[..^1]);
        Assert.Contains("\"pending\": [\"mac\"]", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void AScenarioHostWithBadGroupsIsRefusedNamingWhere()
    {
        const string scenario = """{"hosts": [{"name": "h", "resources": "host.processors=1", "groups": "gpu"}]}""";

        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(scenario));

        Assert.Equal("$.hosts[0].groups: expected an array, found a string", error.Message);
    }

    private static Cluster Create()
    {
        var cluster = TestCluster.Create(Farm);
        Set(cluster, new HostProperties("lin1", "linux", "x86_64", "", [], "west"));
        Set(cluster, new HostProperties("lin2", "linux", "x86_64", "", ["gpu", "render"], "west"));
        Set(cluster, new HostProperties("win1", "windows", "x86_64", "", ["render"], "east"));
        return cluster;
    }

    private static void Set(Cluster cluster, HostProperties properties) =>
        cluster.Ledger.SetProperties(cluster.Ledger.HostIndex(properties.Name), properties);
}
