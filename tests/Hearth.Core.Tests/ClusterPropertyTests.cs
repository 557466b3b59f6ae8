using CsCheck;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// Random programs of host, submit, cycle, finish, withdraw and host loss operations on a real cluster. The
/// harness checks the ledger and the placement rules after every step (see <see cref="ClusterHarness"/>).
/// </summary>
public sealed class ClusterPropertyTests
{
    [Fact]
    public void EveryStepKeepsUsedEqualToWhatRunningWorkHoldsAndEveryPlanFollowsTheRules()
    {
        var coverage = new PlanCoverage();

        ClusterGen.Program.Sample(program => { ClusterHarness.Run(program, coverage); }, iter: 600, print: p => p.ToString());

        // The generators must reach every rule, or the property above proves little. Growth is rarer here
        // (ranges usually start at their max); the next property covers it in depth.
        foreach (var kind in new[] { "dispatch-exact", "dispatch-greedy", "dispatch-idle", "dispatch-range", "dispatch-global", "skip" })
        {
            Assert.True(coverage[kind] >= 100, $"only {coverage[kind]} {kind} decisions in the sample: {coverage}");
        }

        Assert.True(coverage["grow"] >= 5, $"only {coverage["grow"]} growth decisions in the sample: {coverage}");
    }

    [Fact]
    public void GrowthCompetingWithPendingWorkKeepsEveryRule()
    {
        var coverage = new PlanCoverage();

        ClusterGen.GrowthProgram.Sample(program => { ClusterHarness.Run(program, coverage); }, iter: 400, print: p => p.ToString());

        Assert.True(coverage["grow"] >= 40, $"only {coverage["grow"]} growth decisions in the sample: {coverage}");
        Assert.True(coverage["no-room-to-grow"] >= 400, $"only {coverage["no-room-to-grow"]} growth turns checked: {coverage}");
    }

    [Fact]
    public void TheSameProgramGivesTheSameDecisions()
    {
        ClusterGen.Program.Sample(program =>
        {
            var first = ClusterHarness.Run(program);
            var second = ClusterHarness.Run(program);

            Assert.Equal(first, second);
        }, iter: 60, print: p => p.ToString());
    }

    [Fact]
    public void DecidingWithoutApplyingLeavesTheClusterExactlyAsItWas()
    {
        // Decide runs inside every cycle of the harness, which compares full snapshots around it; here every
        // step is a cycle-free decision on a busy cluster.
        var program = Gen.Select(ClusterGen.Host.Array[1, 3], ClusterGen.Spec.Array[1, 30], Gen.Int[0, 100].Array[0, 10]);

        program.Sample((hosts, specs, finishes) =>
        {
            var cluster = new Cluster();
            for (var h = 0; h < hosts.Length; h++)
            {
                cluster.AddHost($"h{h}", ResourceTotals.Parse(
                    $"host.processors={hosts[h].Processors},host.memory={hosts[h].Memory},host.gpu={hosts[h].Gpu}",
                    ResourceScope.Host));
            }

            cluster.Ledger.DefineGlobal(new(ResourceScope.Global, "maya"), 2);
            cluster.Ledger.DefineGlobal(new(ResourceScope.Global, "nuke"), 1);
            for (var i = 0; i < specs.Length; i++)
            {
                cluster.Submit($"w{i}", specs[i], 1 + (i % 3));
                if (i % 4 == 3)
                {
                    cluster.Cycle();
                }
            }

            foreach (var pick in finishes)
            {
                cluster.Finish($"w{pick % specs.Length}");
            }

            var before = ClusterChecks.Snapshot(cluster);
            var plan = PlacementEngine.Decide(cluster);
            Assert.Equal(before, ClusterChecks.Snapshot(cluster));
            cluster.Apply(plan);
            ClusterChecks.AssertNothingLeftThatFits(cluster);
        }, iter: 500);
    }
}
