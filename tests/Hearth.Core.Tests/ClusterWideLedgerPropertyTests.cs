using CsCheck;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// The ledger's license (with outside use and run-time totals) and global_host resources against a plain model over
/// random sequences: a reserve is taken exactly when it fits, a release exactly when that amount is held (so nothing
/// is released twice), free is never negative, and a refused operation changes nothing.
/// </summary>
public sealed class ClusterWideLedgerPropertyTests
{
    private static readonly ResourceName Nuke = new(ResourceScope.License, "nuke");
    private static readonly ResourceName Mtx = new(ResourceScope.GlobalHost, "mtx");
    private const int Hosts = 3;

    private sealed record Step(int Kind, int Host, int Nuke, int Mtx, int Value);

    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Hosts - 1], Gen.Int[-1, 4], Gen.Int[-1, 3], Gen.Int[0, 8])
        .Select((kind, host, nuke, mtx, value) => new Step(kind, host, nuke, mtx, value));

    [Fact]
    public void LicensesAndPerHostGlobalsAreNeverOverCommittedNeverNegativeAndReleasedExactlyOnce()
    {
        Steps.Array[1, 80].Sample(steps =>
        {
            var ledger = new Ledger();
            for (var h = 0; h < Hosts; h++)
            {
                ledger.AddHost($"h{h}", ResourceTotals.Parse("host.processors=64", ResourceScope.Host));
            }

            ledger.DefineGlobal(Nuke, 5);
            ledger.DefineGlobal(Mtx, 2);
            var model = new Model();
            foreach (var step in steps)
            {
                Apply(ledger, model, step);
                model.AssertMatches(ledger);
            }

            model.ReleaseAll(ledger);
            model.AssertMatches(ledger);
            Assert.All(ledger.GlobalUsage(), u => Assert.Equal(0, u.Used));
        }, iter: 400);
    }

    private static void Apply(Ledger ledger, Model model, Step step)
    {
        switch (step.Kind)
        {
            case 8:
                ledger.SetOutsideUse(Nuke, step.Value);
                model.Outside = step.Value;
                return;
            case 9:
                ledger.DefineGlobal(step.Host == 0 ? Mtx : Nuke, step.Value);
                if (step.Host == 0)
                {
                    model.MtxTotal = step.Value;
                }
                else
                {
                    model.NukeTotal = step.Value;
                }

                return;
            case 5 or 6 when model.Pieces(step.Host).Count > 0:
                // Work ends: it releases exactly what it took.
                var pieces = model.Pieces(step.Host);
                var index = step.Value % pieces.Count;
                ledger.Release(step.Host, Allocation(pieces[index].Nuke, pieces[index].Mtx), endsWork: true);
                pieces.RemoveAt(index);
                return;
            case 5 or 6 or 7:
                // A release of something not held there (a second release, say) is refused and changes nothing.
                var bogus = Allocation(model.NukeUsed + 1 + step.Nuke, model.Pieces(step.Host).Count == 0 ? 1 : 4);
                var before = ledger.Snapshot();
                Assert.Throws<LedgerException>(() => ledger.Release(step.Host, bogus, endsWork: model.Pieces(step.Host).Count > 0));
                Assert.Equal(before, ledger.Snapshot());
                return;
            default:
                break;
        }

        var allocation = Allocation(step.Nuke, step.Mtx);
        var allowed = model.CanReserve(step.Host, step.Nuke, step.Mtx);
        var snapshot = ledger.Snapshot();
        try
        {
            ledger.Reserve(step.Host, allocation, startsWork: true);
        }
        catch (LedgerException e)
        {
            Assert.False(allowed, $"reserve {allocation} on h{step.Host} was refused: {e.Message}");
            Assert.Equal(snapshot, ledger.Snapshot());
            return;
        }

        Assert.True(allowed, $"reserve {allocation} on h{step.Host} was accepted:\n{snapshot}");
        model.Pieces(step.Host).Add((step.Nuke, step.Mtx));
    }

    private static Allocation Allocation(int nuke, int mtx) => new(new[]
    {
        KeyValuePair.Create(ResourceName.Processors, 1),
        KeyValuePair.Create(Nuke, nuke),
        KeyValuePair.Create(Mtx, mtx),
    }.Where(kv => kv.Value >= 0));

    /// <summary>Each piece of work held, as (nuke, mtx) per host; -1 means it does not name the resource.</summary>
    private sealed class Model
    {
        private readonly List<(int Nuke, int Mtx)>[] _work = [[], [], []];

        public int NukeTotal { get; set; } = 5;

        public int MtxTotal { get; set; } = 2;

        public int Outside { get; set; }

        public int NukeUsed => _work.Sum(w => w.Sum(p => Math.Max(0, p.Nuke)));

        private int MtxUsed => Enumerable.Range(0, Hosts).Sum(Charge);

        private int NukeFree => Math.Max(0, NukeTotal - NukeUsed - Outside);

        private int MtxFree => Math.Max(0, MtxTotal - MtxUsed);

        public List<(int Nuke, int Mtx)> Pieces(int host) => _work[host];

        private int Charge(int host) => _work[host].Select(p => Math.Max(0, p.Mtx)).DefaultIfEmpty(0).Max();

        public bool CanReserve(int host, int nuke, int mtx) => nuke <= NukeFree && mtx <= Charge(host) + MtxFree;

        public void AssertMatches(Ledger ledger)
        {
            var nuke = ledger.GlobalUsage().Single(u => u.Resource == Nuke);
            var mtx = ledger.GlobalUsage().Single(u => u.Resource == Mtx);
            Assert.Equal((NukeTotal, NukeUsed, Outside, NukeFree), (nuke.Total, nuke.Used, nuke.Outside, nuke.Free));
            Assert.Equal((MtxTotal, MtxUsed, MtxFree), (mtx.Total, mtx.Used, mtx.Free));
            Assert.True(nuke.Free >= 0 && mtx.Free >= 0 && nuke.Used >= 0 && mtx.Used >= 0);
            for (var h = 0; h < Hosts; h++)
            {
                Assert.Equal(Charge(h) + MtxFree, ledger.GlobalHostFree(h, Mtx));
                Assert.Equal(_work[h].Count, ledger.RunningOn(h));
            }
        }

        /// <summary>Ends every piece of work: afterwards nothing is in use anywhere.</summary>
        public void ReleaseAll(Ledger ledger)
        {
            for (var h = 0; h < Hosts; h++)
            {
                foreach (var (n, m) in _work[h])
                {
                    ledger.Release(h, Allocation(n, m), endsWork: true);
                }

                _work[h].Clear();
            }
        }
    }
}
