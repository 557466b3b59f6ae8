using CsCheck;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// The ledger against a plain model over random reserve, release and up/down sequences: an operation succeeds
/// exactly when it keeps every count within 0..total, and a refused one changes nothing.
/// </summary>
public sealed class LedgerPropertyTests
{
    private static readonly ResourceName Maya = new(ResourceScope.Global, "maya");
    private static readonly ResourceName Gpu = new(ResourceScope.Host, "gpu");

    // The wide hosts cross the capacity index's 64-key word boundary and its 4096-key dense limit.
    private static readonly string[] Hosts =
        ["host.processors=4,host.memory=500", "host.processors=70,host.memory=1000,host.gpu=2", "host.processors=1", "host.processors=4100"];

    private sealed record Step(int Kind, int Host, int Processors, int Memory, int Gpu, int Maya, bool Work);

    private static readonly Gen<Step> Steps = Gen.Select(
            Gen.Int[0, 9], Gen.Int[0, Hosts.Length - 1], Amount(4, 72), Amount(200, 1100), Gen.Int[-1, 3], Gen.Int[-1, 3], Gen.Bool)
        .Select((kind, host, p, m, g, y, work) => new Step(kind, host, p, m, g, y, work));

    /// <summary>Absent (-1) or an amount, mostly small enough to fit, sometimes past any total.</summary>
    private static Gen<int> Amount(int usual, int rare) => Gen.Frequency((4, Gen.Int[-1, usual]), (1, Gen.Int[-1, rare]));

    [Fact]
    public void ReserveAndReleaseSucceedExactlyWhenTheyKeepCountsInBoundsAndOtherwiseChangeNothing()
    {
        Steps.Array[1, 80].Sample(steps =>
        {
            var ledger = new Ledger();
            var model = new Model();
            for (var h = 0; h < Hosts.Length; h++)
            {
                ledger.AddHost($"h{h}", ResourceTotals.Parse(Hosts[h], ResourceScope.Host));
                model.Up.Add(true);
                model.Running.Add(0);
            }

            ledger.DefineGlobal(Maya, 3);
            foreach (var step in steps)
            {
                Apply(ledger, model, step);
                ledger.AssertConsistent();
                model.AssertMatches(ledger);
            }
        }, iter: 300);
    }

    private static void Apply(Ledger ledger, Model model, Step step)
    {
        if (step.Kind == 9)
        {
            var up = !ledger.IsUp(step.Host);
            ledger.SetUp(step.Host, up);
            model.Up[step.Host] = up;
            return;
        }

        var allocation = new Allocation(new[]
            {
                KeyValuePair.Create(ResourceName.Processors, step.Processors),
                KeyValuePair.Create(ResourceName.Memory, step.Memory),
                KeyValuePair.Create(Gpu, step.Gpu),
                KeyValuePair.Create(Maya, step.Maya),
            }.Where(kv => kv.Value >= 0));
        var before = ledger.Snapshot();
        var reserve = step.Kind < 5;
        var allowed = reserve ? model.CanReserve(step.Host, allocation) : model.CanRelease(step.Host, allocation, step.Work);
        try
        {
            if (reserve)
            {
                ledger.Reserve(step.Host, allocation, step.Work);
            }
            else
            {
                ledger.Release(step.Host, allocation, step.Work);
            }
        }
        catch (LedgerException e)
        {
            Assert.False(allowed, $"{(reserve ? "reserve" : "release")} {allocation} on h{step.Host} was refused: {e.Message}");
            Assert.Equal(before, ledger.Snapshot());
            return;
        }

        Assert.True(allowed, $"{(reserve ? "reserve" : "release")} {allocation} work={step.Work} on h{step.Host} was accepted:\n{before}");
        model.Change(step.Host, allocation, reserve ? 1 : -1, step.Work);
    }

    private sealed class Model
    {
        private readonly Dictionary<(int Host, ResourceName Resource), int> _used = [];
        private int _maya;

        public List<bool> Up { get; } = [];

        public List<int> Running { get; } = [];

        public bool CanReserve(int host, Allocation allocation) =>
            Up[host] && allocation.All(kv => kv.Value <= Total(host, kv.Key) - Used(host, kv.Key));

        public bool CanRelease(int host, Allocation allocation, bool endsWork) =>
            (!endsWork || Running[host] > 0) && allocation.All(kv => kv.Value <= Used(host, kv.Key));

        public void Change(int host, Allocation allocation, int sign, bool work)
        {
            foreach (var (resource, amount) in allocation)
            {
                if (resource.IsHost)
                {
                    _used[(host, resource)] = Used(host, resource) + (sign * amount);
                }
                else
                {
                    _maya += sign * amount;
                }
            }

            Running[host] += work ? sign : 0;
        }

        public void AssertMatches(Ledger ledger)
        {
            for (var host = 0; host < Up.Count; host++)
            {
                Assert.Equal(Up[host], ledger.IsUp(host));
                Assert.Equal(Running[host], ledger.RunningOn(host));
                foreach (var resource in new[] { ResourceName.Processors, ResourceName.Memory, Gpu })
                {
                    Assert.Equal(Total(host, resource) - Used(host, resource), ledger.Free(host, resource));
                }
            }

            Assert.Equal(3 - _maya, ledger.GlobalFree(Maya));
        }

        private int Used(int host, ResourceName resource) =>
            resource.IsHost ? _used.GetValueOrDefault((host, resource)) : _maya;

        private static int Total(int host, ResourceName resource) =>
            resource.IsHost ? ResourceTotals.Parse(Hosts[host], ResourceScope.Host).GetValueOrDefault(resource) : 3;
    }
}
