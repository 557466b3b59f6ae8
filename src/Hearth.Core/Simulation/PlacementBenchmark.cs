using System.Diagnostics;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

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
    private const double TargetOccupancy = 0.8;

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
        var load = new Load(random);
        var cluster = Build(hosts, random, load);
        var specs = Shapes.Select(ResourceRequest.Parse).ToArray();
        var target = (long)(hosts * (long)SlotsPerHost * TargetOccupancy);
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
                if (decision is GrowDecision grow)
                {
                    grows++;
                    load.Grew(grow.WorkId, grow.Added.Processors);
                }
                else
                {
                    dispatches++;
                    load.Started(decision.WorkId, decision.Allocation.Processors);
                }
            }

            // Finish work at random to hold the cluster near its target occupancy, so placement always
            // searches a fragmented, mostly full cluster; once the stream ends, drain the queue.
            var floor = submitted < jobs ? target : Math.Min(target, load.Used - (SlotsPerHost * BatchSize));
            while (load.Used > floor && load.Count > 0)
            {
                cluster.Finish(load.FinishRandom());
            }
        }

        clock.Stop();
        return new PlacementBenchmarkResult(hosts, jobs, dispatches, grows, cycles, clock.Elapsed);
    }

    private static Cluster Build(int hosts, Random random, Load load)
    {
        var cluster = new Cluster();
        var totals = new Dictionary<ResourceName, int>
        {
            [ResourceName.Processors] = SlotsPerHost,
            [ResourceName.Memory] = MemoryPerHost,
        };
        cluster.Ledger.DefineGlobal(new ResourceName(ResourceScope.Global, "license"), Math.Max(1, hosts / 4));
        var filler = ResourceRequest.Parse("host.processors=1");
        for (var h = 0; h < hosts; h++)
        {
            var name = $"h{h:D6}";
            cluster.AddHost(name, totals);

            // Every size starts in the same regime, near the target occupancy: a tenth of the hosts idle,
            // the rest carrying 32 to 63 slots of background load that finishes at random like the stream.
            if (random.Next(10) == 0)
            {
                continue;
            }

            var used = (SlotsPerHost / 2) + random.Next(SlotsPerHost / 2);
            load.Started($"bg{h}", used);
            cluster.Adopt(new RunningWork(
                new WorkRequest($"bg{h}", filler, WorkRequest.DefaultPriority, -1),
                name,
                new Allocation([new(ResourceName.Processors, used), new(ResourceName.Memory, used * 1000)])));
        }

        cluster.Apply(PlacementPlan.None);
        return cluster;
    }

    /// <summary>The running work the benchmark can finish, and the processors it holds.</summary>
    private sealed class Load(Random random)
    {
        private readonly List<string> _ids = [];
        private readonly Dictionary<string, (int Slot, int Processors)> _byId = [];

        public long Used { get; private set; }

        public int Count => _ids.Count;

        public void Started(string id, int processors)
        {
            _byId[id] = (_ids.Count, processors);
            _ids.Add(id);
            Used += processors;
        }

        public void Grew(string id, int processors)
        {
            var entry = _byId[id];
            _byId[id] = (entry.Slot, entry.Processors + processors);
            Used += processors;
        }

        public string FinishRandom()
        {
            var slot = random.Next(_ids.Count);
            var id = _ids[slot];
            var last = _ids[^1];
            _ids[slot] = last;
            _byId[last] = (slot, _byId[last].Processors);
            _ids.RemoveAt(_ids.Count - 1);
            _byId.Remove(id, out var entry);
            Used -= entry.Processors;
            return id;
        }
    }
}
