namespace Hearth.Core.Placement;

/// <summary>
/// Hosts bucketed by an integer key (open processors), so that "the smallest key at least N" and
/// "the largest key" are found without scanning every host. Within a bucket hosts come in index order,
/// which keeps placement deterministic. Keys up to <see cref="DenseLimit"/> live in bit-indexed buckets; the
/// rare larger ones sit in a sorted map, so a huge (or mistyped) processor count costs no memory.
/// </summary>
internal sealed class CapacityIndex
{
    private const int DenseLimit = 4096;

    private SortedSet<int>?[] _buckets = new SortedSet<int>?[65];
    private ulong[] _nonEmpty = new ulong[2];
    private readonly SortedDictionary<int, SortedSet<int>> _large = [];
    private readonly Dictionary<int, int> _keyOf = [];

    public int Count => _keyOf.Count;

    public bool Contains(int host) => _keyOf.ContainsKey(host);

    public void Set(int host, int key)
    {
        if (_keyOf.TryGetValue(host, out var old))
        {
            if (old == key)
            {
                return;
            }

            RemoveFromBucket(host, old);
        }

        _keyOf[host] = key;
        if (key >= DenseLimit)
        {
            if (!_large.TryGetValue(key, out var large))
            {
                large = [];
                _large.Add(key, large);
            }

            large.Add(host);
            return;
        }

        EnsureCapacity(key);
        var bucket = _buckets[key] ??= [];
        bucket.Add(host);
        _nonEmpty[key >> 6] |= 1UL << (key & 63);
    }

    public void Remove(int host)
    {
        if (_keyOf.Remove(host, out var old))
        {
            RemoveFromBucket(host, old);
        }
    }

    /// <summary>True when some host has a key of at least <paramref name="min"/>.</summary>
    public bool AnyAtLeast(int min) => NextNonEmpty(Math.Max(min, 0)) >= 0 || _large.Keys.Any(key => key >= min);

    /// <summary>Hosts with key at least <paramref name="min"/>, smallest key first.</summary>
    public IEnumerable<int> Ascending(int min)
    {
        for (var key = NextNonEmpty(Math.Max(min, 0)); key >= 0; key = NextNonEmpty(key + 1))
        {
            foreach (var host in _buckets[key]!)
            {
                yield return host;
            }
        }

        foreach (var (key, hosts) in _large)
        {
            if (key >= min)
            {
                foreach (var host in hosts)
                {
                    yield return host;
                }
            }
        }
    }

    /// <summary>Hosts with key at least <paramref name="min"/>, largest key first.</summary>
    public IEnumerable<int> Descending(int min)
    {
        foreach (var (key, hosts) in _large.Reverse())
        {
            if (key < min)
            {
                break;
            }

            foreach (var host in hosts)
            {
                yield return host;
            }
        }

        for (var key = PreviousNonEmpty(_buckets.Length - 1); key >= Math.Max(min, 0); key = PreviousNonEmpty(key - 1))
        {
            foreach (var host in _buckets[key]!)
            {
                yield return host;
            }
        }
    }

    private void RemoveFromBucket(int host, int key)
    {
        if (key >= DenseLimit)
        {
            var large = _large[key];
            large.Remove(host);
            if (large.Count == 0)
            {
                _large.Remove(key);
            }

            return;
        }

        var bucket = _buckets[key]!;
        bucket.Remove(host);
        if (bucket.Count == 0)
        {
            _nonEmpty[key >> 6] &= ~(1UL << (key & 63));
        }
    }

    private void EnsureCapacity(int key)
    {
        if (key < _buckets.Length)
        {
            return;
        }

        var size = Math.Min(DenseLimit, Math.Max(key + 1, _buckets.Length * 2));
        Array.Resize(ref _buckets, size);
        Array.Resize(ref _nonEmpty, (size + 63) >> 6);
    }

    private int NextNonEmpty(int from)
    {
        if (from >= _buckets.Length)
        {
            return -1;
        }

        var word = from >> 6;
        var bits = _nonEmpty[word] & (ulong.MaxValue << (from & 63));
        while (true)
        {
            if (bits != 0)
            {
                return (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
            }

            if (++word >= _nonEmpty.Length)
            {
                return -1;
            }

            bits = _nonEmpty[word];
        }
    }

    private int PreviousNonEmpty(int from)
    {
        if (from < 0)
        {
            return -1;
        }

        var word = from >> 6;
        var shift = 63 - (from & 63);
        var bits = _nonEmpty[word] & (ulong.MaxValue >> shift);
        while (true)
        {
            if (bits != 0)
            {
                return (word << 6) + 63 - System.Numerics.BitOperations.LeadingZeroCount(bits);
            }

            if (--word < 0)
            {
                return -1;
            }

            bits = _nonEmpty[word];
        }
    }
}
