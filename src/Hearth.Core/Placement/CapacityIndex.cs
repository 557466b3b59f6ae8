using System.Numerics;

namespace Hearth.Core.Placement;

/// <summary>
/// Hosts bucketed by an integer key (open processors), so that "the smallest key at least N" and
/// "the largest key" are found without scanning every host. Within a bucket hosts come in index order,
/// which keeps placement deterministic. Keys below <see cref="DenseLimit"/> live in bit-indexed buckets;
/// the rare larger ones sit in a sorted map, so a huge (or mistyped) processor count costs no memory.
/// </summary>
internal sealed class CapacityIndex
{
    private const int DenseLimit = 4096;

    private HostSet?[] _buckets = new HostSet?[65];
    private ulong[] _nonEmpty = new ulong[2];
    private readonly SortedDictionary<int, HostSet> _large = [];
    private int[] _keyOf = [];

    public int Count { get; private set; }

    public bool Contains(int host) => host < _keyOf.Length && _keyOf[host] >= 0;

    public void Set(int host, int key)
    {
        if (host >= _keyOf.Length)
        {
            var size = Math.Max(host + 1, _keyOf.Length * 2);
            var old = _keyOf.Length;
            Array.Resize(ref _keyOf, size);
            Array.Fill(_keyOf, -1, old, size - old);
        }

        var current = _keyOf[host];
        if (current == key)
        {
            return;
        }

        if (current >= 0)
        {
            Bucket(current)!.Remove(host);
            Emptied(current);
        }
        else
        {
            Count++;
        }

        _keyOf[host] = key;
        if (key >= DenseLimit)
        {
            if (!_large.TryGetValue(key, out var large))
            {
                large = new HostSet();
                _large.Add(key, large);
            }

            large.Add(host);
            return;
        }

        EnsureCapacity(key);
        (_buckets[key] ??= new HostSet()).Add(host);
        _nonEmpty[key >> 6] |= 1UL << (key & 63);
    }

    public void Remove(int host)
    {
        if (!Contains(host))
        {
            return;
        }

        var key = _keyOf[host];
        Bucket(key)!.Remove(host);
        Emptied(key);
        _keyOf[host] = -1;
        Count--;
    }

    /// <summary>True when some host has a key of at least <paramref name="min"/>.</summary>
    public bool AnyAtLeast(int min) =>
        NextNonEmpty(Math.Max(min, 0)) >= 0 || (_large.Count > 0 && _large.Keys.Max() >= min);

    /// <summary>Hosts with key at least <paramref name="min"/>, smallest key first.</summary>
    public IEnumerable<int> Ascending(int min)
    {
        for (var key = NextNonEmpty(Math.Max(min, 0)); key >= 0; key = NextNonEmpty(key + 1))
        {
            foreach (var host in Members(_buckets[key]!))
            {
                yield return host;
            }
        }

        foreach (var (key, hosts) in _large)
        {
            if (key >= min)
            {
                foreach (var host in Members(hosts))
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
                yield break;
            }

            foreach (var host in Members(hosts))
            {
                yield return host;
            }
        }

        for (var key = PreviousNonEmpty(_buckets.Length - 1); key >= Math.Max(min, 0); key = PreviousNonEmpty(key - 1))
        {
            foreach (var host in Members(_buckets[key]!))
            {
                yield return host;
            }
        }
    }

    private static IEnumerable<int> Members(HostSet set)
    {
        for (var host = set.Next(0); host >= 0; host = set.Next(host + 1))
        {
            yield return host;
        }
    }

    private HostSet? Bucket(int key) => key >= DenseLimit ? _large.GetValueOrDefault(key) : _buckets[key];

    private void Emptied(int key)
    {
        if (key >= DenseLimit)
        {
            if (_large[key].Count == 0)
            {
                _large.Remove(key);
            }
        }
        else if (_buckets[key]!.Count == 0)
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
                return (word << 6) + BitOperations.TrailingZeroCount(bits);
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
                return (word << 6) + 63 - BitOperations.LeadingZeroCount(bits);
            }

            if (--word < 0)
            {
                return -1;
            }

            bits = _nonEmpty[word];
        }
    }
}
