using CsCheck;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>Quotas in placement: an account, and every organization it belongs to, holds no more than its limits allow.</summary>
public sealed class QuotaTests
{
    private static long _sequence;

    private static WorkRequest Queue(Cluster cluster, string id, string spec, string? account, int priority = WorkRequest.DefaultPriority, bool instance = false)
    {
        var request = new WorkRequest(id, ResourceRequest.Parse(spec), priority, Interlocked.Increment(ref _sequence)) { Account = account, IsInstance = instance };
        cluster.Submit(request);
        return request;
    }

    [Fact]
    public void AnAccountHoldsNoMoreSlotsThanItsMaxSlotsAndTheRestWaitsWithTheQuotaAsReason()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 2));
        var a = Enumerable.Range(0, 4).Select(i => Queue(cluster, $"a{i}", "host.processors=1", "alice")).ToList();
        Queue(cluster, "b0", "host.processors=1", "bob");

        Assert.Equal(["dispatch a0 h1 host.processors=1", "dispatch a1 h1 host.processors=1", "dispatch b0 h1 host.processors=1"], cluster.Cycle());
        Assert.Equal(new AccountHolding(2, 0), cluster.Quotas.HeldBy("alice"));
        Assert.Equal("quota: alice holds 2 of its 2 slots (max-slots)", cluster.Quotas.Explain(a[2]));
        Assert.Null(cluster.Quotas.Explain(a[0] with { Account = "bob" }));

        cluster.Finish("a0");
        Assert.Equal(["dispatch a2 h1 host.processors=1"], cluster.Cycle());
    }

    [Fact]
    public void AnOrganizationsLimitCapsTheSumOverItsMembersBesideEachMembersOwn()
    {
        var cluster = TestCluster.Create("h1: host.processors=16");
        cluster.Quotas.SetLimits("acme", new AccountLimits(MaxSlots: 3));
        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 2));
        cluster.Quotas.SetOrganizations("alice", ["acme"]);
        cluster.Quotas.SetOrganizations("bob", ["acme"]);
        for (var i = 0; i < 3; i++)
        {
            Queue(cluster, $"a{i}", "host.processors=1", "alice");
            Queue(cluster, $"b{i}", "host.processors=1", "bob");
        }

        var carol = Queue(cluster, "c0", "host.processors=1", "carol");
        Assert.Equal(["dispatch a0 h1 host.processors=1", "dispatch b0 h1 host.processors=1", "dispatch a1 h1 host.processors=1", "dispatch c0 h1 host.processors=1"], cluster.Cycle());
        Assert.Equal(new AccountHolding(3, 0), cluster.Quotas.HeldBy("acme"));
        Assert.Equal("quota: acme, bob's organization, holds 3 of its 3 slots (max-slots)", cluster.Quotas.Explain(new WorkRequest("x", ResourceRequest.Default, 1, 1) { Account = "bob" }));
        Assert.Null(cluster.Quotas.Explain(carol));

        cluster.Finish("a0");
        Assert.Equal(["dispatch b1 h1 host.processors=1"], cluster.Cycle());
    }

    [Fact]
    public void AnElasticGrantAndItsGrowthTakeNoMoreThanTheQuotaLeaves()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 5));
        Queue(cluster, "small", "host.processors=2", "alice");
        Assert.Single(cluster.Cycle());
        Queue(cluster, "greedy", "host.processors=2+", "alice");
        Assert.Equal(["dispatch greedy h1 host.processors=3"], cluster.Cycle());

        cluster.Finish("greedy");
        cluster.Cycle();
        Queue(cluster, "range", "host.processors=1-8", "alice");
        Assert.Equal(["dispatch range h1 host.processors=3"], cluster.Cycle());
        cluster.Finish("small");
        Assert.Equal(["grow range h1 host.processors=5 (+host.processors=2)"], cluster.Cycle());
        Assert.Equal(new AccountHolding(5, 0), cluster.Quotas.HeldBy("alice"));
    }

    [Fact]
    public void WorkNeedingMoreThanTheQuotaLeavesWaitsWithoutBlockingOthersThatAskAlike()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 1));
        var big = Queue(cluster, "a", "host.processors=2", "alice");
        Queue(cluster, "b", "host.processors=2", "bob");
        Assert.Equal(["dispatch b h1 host.processors=2"], cluster.Cycle());
        Assert.Equal("quota: alice holds 0 of its 1 slots (max-slots)", cluster.Quotas.Explain(big));
    }

    [Fact]
    public void InstancesCountAgainstMaxInstancesAndNotAgainstSlots()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 0, MaxInstances: 1));
        Queue(cluster, "i1", "host.processors=1", "alice", instance: true);
        var second = Queue(cluster, "i2", "host.processors=1", "alice", instance: true);
        Assert.Equal(["dispatch i1 h1 host.processors=1"], cluster.Cycle());
        Assert.Equal(new AccountHolding(0, 1), cluster.Quotas.HeldBy("alice"));
        Assert.Equal("quota: alice holds 1 of its 1 instances (max-instances)", cluster.Quotas.Explain(second));
        Assert.Equal("quota: alice holds 1 of its 1 instances (max-instances)", cluster.Quotas.Snapshot().ExplainInstances("alice"));

        cluster.Finish("i1");
        Assert.Equal(["dispatch i2 h1 host.processors=1"], cluster.Cycle());
    }

    [Fact]
    public void LoweringALimitTakesNothingBackAndAppliesToNewWork()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        Queue(cluster, "a0", "host.processors=3", "alice");
        Queue(cluster, "a1", "host.processors=3", "alice");
        Assert.Equal(2, cluster.Cycle().Count);

        cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: 4));
        var next = Queue(cluster, "a2", "host.processors=1", "alice");
        Assert.Empty(cluster.Cycle());
        Assert.Equal(2, cluster.Running.Count);
        Assert.Equal("quota: alice holds 6 of its 4 slots (max-slots)", cluster.Quotas.Snapshot().ExplainSlots("alice", 1));

        cluster.Finish("a0");
        Assert.Equal(["dispatch a2 h1 host.processors=1"], cluster.Cycle());
        Assert.Equal("quota: alice holds 4 of its 4 slots (max-slots)", cluster.Quotas.Explain(next with { Id = "other" }));
    }

    [Fact]
    public void WorkReleasesWhatItChargedEvenWhenMembershipsChangedMeanwhile()
    {
        var cluster = TestCluster.Create("h1: host.processors=8");
        Queue(cluster, "a0", "host.processors=2", "alice");
        cluster.Cycle();
        cluster.Quotas.SetOrganizations("alice", ["acme"]);
        Queue(cluster, "a1", "host.processors=1", "alice");
        cluster.Cycle();
        Assert.Equal(new AccountHolding(1, 0), cluster.Quotas.HeldBy("acme"));

        cluster.Finish("a0");
        cluster.Finish("a1");
        Assert.Equal(default, cluster.Quotas.HeldBy("acme"));
        Assert.Equal(default, cluster.Quotas.HeldBy("alice"));
    }

    [Theory]
    [InlineData(-2, -1, "max-slots -2 is not a limit")]
    [InlineData(-1, -5, "max-instances -5 is not a limit")]
    public void ALimitBelowMinusOneIsRefusedNamingTheField(int slots, int instances, string expected)
    {
        var e = Assert.Throws<PlacementException>(() => new Cluster().Quotas.SetLimits("alice", new AccountLimits(slots, instances)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAccountOrOrganizationEverHoldsMoreThanItsLimitWhateverTheArrivalsAndEnds()
    {
        var gen = Gen.Select(Gen.Int[0, 3].Array[3], Gen.Select(Gen.Int[0, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Bool).Array[1, 40], Gen.Int[0, 60].Array[0, 20]);
        gen.Sample((limits, work, finishes) =>
        {
            var cluster = TestCluster.Create("h1: host.processors=6; h2: host.processors=4");
            string[] accounts = ["alice", "bob", "carol", "admin-less"];
            cluster.Quotas.SetLimits("alice", new AccountLimits(MaxSlots: limits[0]));
            cluster.Quotas.SetLimits("bob", new AccountLimits(MaxSlots: limits[1]));
            cluster.Quotas.SetLimits("acme", new AccountLimits(MaxSlots: limits[2] + 1));
            cluster.Quotas.SetOrganizations("alice", ["acme"]);
            cluster.Quotas.SetOrganizations("bob", ["acme"]);
            var ids = new List<string>();
            for (var i = 0; i < work.Length; i++)
            {
                var (who, min, extra, elastic) = work[i];
                var spec = elastic ? $"host.processors={min}-{min + extra}" : $"host.processors={min}";
                Queue(cluster, $"w{i}", spec, who == 3 ? null : accounts[who], 1 + (i % 3));
                ids.Add($"w{i}");
                if (i % 3 == 2)
                {
                    cluster.Cycle();
                    Check(cluster);
                }

                if (i < finishes.Length)
                {
                    cluster.Finish(ids[finishes[i] % ids.Count]);
                    cluster.Cycle();
                    Check(cluster);
                }
            }

            cluster.Cycle();
            Check(cluster);
        }, iter: 400);

        static void Check(Cluster cluster)
        {
            foreach (var (name, max) in new[] { ("alice", cluster.Quotas.LimitsOf("alice")), ("bob", cluster.Quotas.LimitsOf("bob")), ("acme", cluster.Quotas.LimitsOf("acme")) })
            {
                var held = cluster.Running
                    .Where(w => w.Request.Account == name || (name == "acme" && w.Request.Account is "alice" or "bob"))
                    .Sum(w => w.Allocation.AmountOf(ResourceName.Processors));
                Assert.Equal(held, cluster.Quotas.HeldBy(name).Slots);
                Assert.True(held <= max.MaxSlots, $"{name} holds {held} of its {max.MaxSlots}");
            }
        }
    }
}
