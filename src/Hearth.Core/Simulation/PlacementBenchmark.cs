using System.Diagnostics;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

/// <summary>What one benchmark run measured.</summary>
public sealed record PlacementBenchmarkResult(int Hosts, int Jobs, long Dispatches, long Grows, long Cycles, TimeSpan Elapsed)
{
    public long Decisions => Dispatches + Grows;

    public double DecisionsPerSecond => Decisions / Elapsed.TotalSeconds;
}

/// <summary>
/// A synthetic cluster and a stream of submissions and finishes drawn from every reservation form, run
/// through the real engine. Hosts start part-filled (some idle, some fragmented) so placement searches a
/// realistic mix of open capacity; finishes keep the cluster in a steady state while the stream runs.
/// </summary>
public static class PlacementBenchmark
{
    public const int SlotsPerHost = 64;
    public const int MemoryPerHost = 256_000;
    private const int BatchSize = 512;

    private static readonly string[] Shapes =
    [
        "host.processors=1",
        "host.processors=1",
        "host.processors=1,host.memory=2000",
        "host.processors=2",
        "host.processors=4,host.memory=8000",
        "host.processors=8",
        "host.processors=2+",
        "host.processors=16+",
        "host.processors=4*",
        "host.processors=all",
        "host.processors=2-8",
        "host.processors=4-32,host.memory=16000",
        "host.processors=8-64",
        "host.processors=1,global.license=1",
        "host.processors=2,host.memory=4000,global.license=1",
    ];

    public static PlacementBenchmarkResult Run(int hosts, int jobs, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var random = new Random(seed);
        var cluster = Build(hosts, random);
        var specs = Shapes.Select(ReservationSpec.Parse).ToArray();
        var running = new List<string>();
        long dispatches = 0, grows = 0, cycles = 0, sequence = 0;
        var submitted = 0;

        var clock = Stopwatch.StartNew();
        while (submitted < jobs || cluster.Pending.Count > 0)
        {
            for (var i = 0; i < BatchSize && submitted < jobs; i++, submitted++)
            {
                var spec = specs[random.Next(specs.Length)];
                cluster.Submit(new WorkRequest($"j{submitted}", spec, 1 + random.Next(10), sequence++));
            }

            var plan = PlacementEngine.Decide(cluster);
            cluster.Apply(plan);
            cycles++;
            foreach (var decision in plan.Decisions)
            {
                if (decision is DispatchDecision)
                {
                    dispatches++;
                    running.Add(decision.WorkId);
                }
                else
                {
                    grows++;
                }
            }

            // Finish as much as was started, at random, so the cluster neither fills nor drains;
            // when nothing could start, finish a batch anyway so the queue keeps moving.
            var finishes = Math.Min(running.Count, Math.Max(plan.Decisions.Count, submitted < jobs ? 0 : BatchSize));
            for (var i = 0; i < finishes; i++)
            {
                var pick = random.Next(running.Count);
                cluster.Finish(running[pick]);
                running[pick] = running[^1];
                running.RemoveAt(running.Count - 1);
            }
        }

        clock.Stop();
        return new PlacementBenchmarkResult(hosts, jobs, dispatches, grows, cycles, clock.Elapsed);
    }

    private static Cluster Build(int hosts, Random random)
    {
        var cluster = new Cluster();
        var totals = new Dictionary<ResourceName, int>
        {
            [ResourceName.Processors] = SlotsPerHost,
            [ResourceName.Memory] = MemoryPerHost,
        };
        cluster.Ledger.DefineGlobal(new ResourceName(ResourceScope.Global, "license"), Math.Max(1, hosts / 4));
        var filler = ReservationSpec.Parse("host.processors=1");
        for (var h = 0; h < hosts; h++)
        {
            var name = $"h{h:D6}";
            cluster.AddHost(name, totals);

            // A fifth of the hosts stay idle; the rest carry background load of 1 to 56 slots.
            if (random.Next(5) == 0)
            {
                continue;
            }

            var used = 1 + random.Next(SlotsPerHost - 8);
            cluster.Adopt(new RunningWork(
                new WorkRequest($"bg{h}", filler, WorkRequest.DefaultPriority, -1),
                name,
                new Allocation([new(ResourceName.Processors, used), new(ResourceName.Memory, used * 1000)])));
        }

        cluster.Apply(PlacementPlan.None);
        return cluster;
    }
}
