using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// Totals, used counts and (for licenses) outside use by resource number; a resource never defined has a total
/// of 0. Free is never negative, even when a total was lowered below what is held.
/// </summary>
internal sealed class LedgerCounts(int size)
{
    private int[] _total = new int[size];
    private int[] _used = new int[size];
    private bool[] _defined = new bool[size];
    private int[] _outside = new int[size];

    public bool Unused => _used.All(u => u == 0);

    public bool IsDefined(int number) => number < _defined.Length && _defined[number];

    public int Used(int number) => number < _used.Length ? _used[number] : 0;

    public int Total(int number) => number < _total.Length ? _total[number] : 0;

    public int Free(int number) => number < _total.Length ? Math.Max(0, _total[number] - _used[number] - _outside[number]) : 0;

    public void SetOutside(int number, int inUse)
    {
        Grow(number);
        _outside[number] = inUse;
    }

    public void Define(int number, int total)
    {
        Grow(number);
        _total[number] = total;
        _defined[number] = true;
    }

    public void Add(int number, int delta)
    {
        Grow(number);
        _used[number] += delta;
    }

    public List<ResourceUsage> Usage()
    {
        var usage = new List<ResourceUsage>();
        for (var n = 0; n < _total.Length; n++)
        {
            if (_defined[n] || _used[n] != 0)
            {
                usage.Add(new ResourceUsage(ResourceIndex.NameOf(n), _total[n], _used[n], _outside[n]));
            }
        }

        usage.Sort((a, b) => ResourceName.Order.Compare(a.Resource, b.Resource));
        return usage;
    }

    private void Grow(int number)
    {
        if (number < _total.Length)
        {
            return;
        }

        var size = Math.Max(number + 1, ResourceIndex.Count);
        Array.Resize(ref _total, size);
        Array.Resize(ref _used, size);
        Array.Resize(ref _defined, size);
        Array.Resize(ref _outside, size);
    }
}
