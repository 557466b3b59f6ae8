using System.Numerics;

namespace Hearth.Core.Placement;

/// <summary>
/// A set of host numbers as a hierarchical bitmap: each level has one bit per non-empty word of the level
/// below, so add, remove and "the next member at or after i" take a few word operations at any size.
/// </summary>
internal sealed class HostSet
{
    private ulong[][] _levels = [new ulong[1]];

    public int Count { get; private set; }

    public bool Contains(int host) => (host >> 6) < _levels[0].Length && (_levels[0][host >> 6] & (1UL << (host & 63))) != 0;

    public void Add(int host)
    {
        EnsureCapacity(host);
        if (Contains(host))
        {
            return;
        }

        Count++;
        var position = host;
        for (var level = 0; level < _levels.Length; level++)
        {
            var words = _levels[level];
            var word = position >> 6;
            var wasEmpty = words[word] == 0;
            words[word] |= 1UL << (position & 63);
            if (!wasEmpty)
            {
                return;
            }

            position = word;
        }
    }

    public void Remove(int host)
    {
        if (!Contains(host))
        {
            return;
        }

        Count--;
        var position = host;
        for (var level = 0; level < _levels.Length; level++)
        {
            var words = _levels[level];
            var word = position >> 6;
            words[word] &= ~(1UL << (position & 63));
            if (words[word] != 0)
            {
                return;
            }

            position = word;
        }
    }

    /// <summary>The smallest member at least <paramref name="from"/>, or -1.</summary>
    public int Next(int from) => from < 0 ? Next(0) : NextAt(0, from);

    private int NextAt(int level, int from)
    {
        var words = _levels[level];
        var word = from >> 6;
        if (word >= words.Length)
        {
            return -1;
        }

        var bits = words[word] & (ulong.MaxValue << (from & 63));
        if (bits != 0)
        {
            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        }

        if (level == _levels.Length - 1)
        {
            for (word++; word < words.Length; word++)
            {
                if (words[word] != 0)
                {
                    return (word << 6) + BitOperations.TrailingZeroCount(words[word]);
                }
            }

            return -1;
        }

        var next = NextAt(level + 1, word + 1);
        return next < 0 ? -1 : (next << 6) + BitOperations.TrailingZeroCount(words[next]);
    }

    private void EnsureCapacity(int host)
    {
        if ((host >> 6) < _levels[0].Length)
        {
            return;
        }

        var leafWords = Math.Max((host >> 6) + 1, _levels[0].Length * 2);
        var leaves = new ulong[leafWords];
        Array.Copy(_levels[0], leaves, _levels[0].Length);
        var levels = new List<ulong[]> { leaves };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            var above = new ulong[(below.Length + 63) >> 6];
            for (var w = 0; w < below.Length; w++)
            {
                if (below[w] != 0)
                {
                    above[w >> 6] |= 1UL << (w & 63);
                }
            }

            levels.Add(above);
        }

        _levels = [.. levels];
    }
}
