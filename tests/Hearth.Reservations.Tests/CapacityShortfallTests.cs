using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Core.Resources;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class CapacityShortfallTests
{
    private static readonly AlgorithmName Big = new("acme", "big");

    [Fact]
    public void AReservationThatDoesNotFitWaitsForCapacityAndSaysWhatIsMissingAndWhere()
    {
        var catalog = Standard().Push(Big, HashOf(7), "host.processors=1,host.memory=4096").Publish(Big, HashOf(7), "1.0.0", Visibility.Public);
        var world = new ReservationWorld(catalog,
            ("w1", "host.processors=4,host.memory=8192"), ("w2", "host.processors=4,host.memory=8192"), ("w3", "host.processors=4,host.memory=8192"));
        world.RunJob("render-1", "host.memory=7000");
        world.RunJob("render-2", "host.memory=7000");
        world.RunJob("render-3", "host.memory=6144");
        var r = world.Add("alice", "acme/big", "latest_public", 1);

        world.Reconcile();
        var status = world.Status(r.Id);
        Assert.Equal((1, 0, 1, ReservationState.Pending), (status.Desired, status.Ready, status.Starting, status.State));
        Assert.Equal("waiting for capacity: needs host.memory=4096, largest free is 2048 on w3", status.Reason);
        Assert.Null(Assert.Single(world.Reserved(r.Id)).Worker);

        Assert.Empty(world.Reconcile().Commands);
        world.Cluster.Finish("render-2");
        world.Reconcile();
        Assert.Equal("w2", Assert.Single(world.Reserved(r.Id)).Worker);
        Assert.Equal("starting: 0 of 1 warm, 1 loading on 1.0.0 (7777777)", world.Status(r.Id).Reason);
    }

    [Fact]
    public void OnlyTheInstancesThatDoNotFitAreReportedMissing()
    {
        var world = new ReservationWorld(Standard(), ("w1", "host.processors=2,host.memory=8192"));
        var r = world.Add("alice", "acme/model", "latest_public", 3);
        world.Reconcile();

        Assert.Equal(2, world.Reserved(r.Id).Count(i => i.Worker == "w1"));
        Assert.Equal("waiting for capacity: needs host.processors=1, and every worker has all of its host.processors in use", world.Status(r.Id).Reason);
        world.LoadAll();
        world.Reconcile();
        var status = world.Status(r.Id);
        Assert.Equal((3, 2, 1, ReservationState.Pending), (status.Desired, status.Ready, status.Starting, status.State));
    }

    private static CapacityView Hosts(string global, params (string Name, bool Up, string Total, string Free)[] hosts) =>
        new(hosts.Select(h => new HostCapacity(h.Name, h.Up, ResourceTotals.Parse(h.Total, ResourceScope.Host), ResourceTotals.Parse(h.Free, ResourceScope.Host))).ToList(),
            ResourceTotals.Parse(global, ResourceScope.Global));

    public static TheoryData<string, int, string?> Explanations => new()
    {
        { "host.processors=1,host.memory=512", 1, null },
        { "host.processors=1,host.memory=512", 3, null },
        { "host.processors=1,host.memory=512", 4, "waiting for capacity: needs host.processors=1, and every worker has all of its host.processors in use" },
        { "host.memory=4096", 1, "waiting for capacity: needs host.memory=4096, largest free is 2048 on b" },
        { "host.memory=9000", 1, "waiting for capacity: needs host.memory=9000, and the largest worker has 8192 in all" },
        { "host.gpu=1", 1, "waiting for capacity: needs host.gpu=1, and no worker has host.gpu" },
        { "host.processors=2,host.memory=2048", 1, "waiting for capacity: needs host.processors=2,host.memory=2048 on one worker, and none has all of it free" },
        { "host.processors=1,global.maya=2", 1, "waiting for capacity: needs global.maya=2, only 1 free across the cluster" },
        { "host.processors=1,global.nuke=1", 1, "waiting for capacity: needs global.nuke=1, none free across the cluster" },
    };

    /// <summary>Host a has 2 processors and 1024 MB free; host b 1 processor and 2048 MB; host c is down with everything free.</summary>
    [Theory]
    [MemberData(nameof(Explanations))]
    public void TheShortfallNamesTheFirstResourceThatDoesNotFit(string spec, int waiting, string? expected)
    {
        var capacity = Hosts("global.maya=1",
            ("a", true, "host.processors=4,host.memory=8192", "host.processors=2,host.memory=1024"),
            ("b", true, "host.processors=4,host.memory=8192", "host.processors=1,host.memory=2048"),
            ("c", false, "host.processors=64,host.memory=65536,host.gpu=4", "host.processors=64,host.memory=65536,host.gpu=4"));
        Assert.Equal(expected, CapacityShortfall.Explain(ResourceRequest.Parse(spec), waiting, capacity));
    }

    [Fact]
    public void WithNoWorkerUpTheReasonSaysSo()
    {
        var capacity = Hosts("", ("a", false, "host.processors=4", "host.processors=4"));
        Assert.Equal("waiting for capacity: no worker is connected", CapacityShortfall.Explain(ResourceRequest.Parse("host.processors=1"), 1, capacity));
        Assert.Null(CapacityShortfall.Explain(ResourceRequest.Parse("host.processors=1"), 0, capacity));
    }

    [Theory]
    [InlineData("host.processors=2", "", null)]
    [InlineData("host.processors=8", "", "waiting for capacity: needs host.processors=8, and the largest worker has 4 in all")]
    [InlineData("host.processors=4", "", "waiting for capacity: needs host.processors=4, largest free is 3 on w2")]
    [InlineData("host.processors=2*", "", "waiting for an idle worker: N* and all need a worker with nothing running, and every worker runs something")]
    [InlineData("host.processors=all", "w2", null)]
    [InlineData("host.processors=3*", "w1", "waiting for capacity: needs host.processors=3, largest free is 2 on w1 (among the idle workers)")]
    [InlineData("global.maya=1", "", "waiting for capacity: needs global.maya=1, none free across the cluster")]
    public void OneJobSaysWhyItWaitsOrNothingWhenItFits(string reservations, string idle, string? reason)
    {
        var capacity = new CapacityView(
            [
                new HostCapacity("w1", true, Amounts(("host.processors", 4)), Amounts(("host.processors", 2))),
                new HostCapacity("w2", true, Amounts(("host.processors", 3)), Amounts(("host.processors", 3))),
                new HostCapacity("w3", false, Amounts(("host.processors", 64)), Amounts(("host.processors", 64))),
            ],
            new Dictionary<ResourceName, int> { [new(ResourceScope.Global, "maya")] = 0 });
        var idleHosts = idle.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(reason, CapacityShortfall.ExplainOne(ResourceRequest.Parse(reservations), capacity, idleHosts));
    }

    private static Dictionary<ResourceName, int> Amounts(params (string Name, int Count)[] amounts) =>
        amounts.ToDictionary(a => ResourceName.TryParse(a.Name, out var r, out _) ? r : throw new ArgumentException(a.Name), a => a.Count);
}
