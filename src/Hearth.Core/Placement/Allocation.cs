using System.Collections;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>The resources one piece of work holds: host resources on its host, and global resources.</summary>
public sealed class Allocation : IReadOnlyList<KeyValuePair<ResourceName, int>>
{
    public static readonly Allocation Empty = new([]);

    private readonly KeyValuePair<ResourceName, int>[] _amounts;

    public Allocation(IEnumerable<KeyValuePair<ResourceName, int>> amounts)
        : this(amounts.ToArray())
    {
    }

    /// <summary>Each resource appears once: the ledger checks and moves amounts per resource.</summary>
    internal Allocation(KeyValuePair<ResourceName, int>[] amounts)
    {
        _amounts = amounts;
        Numbers = new int[amounts.Length];
        for (var i = 0; i < amounts.Length; i++)
        {
            Numbers[i] = ResourceIndex.Of(amounts[i].Key);
            for (var j = 0; j < i; j++)
            {
                if (Numbers[j] == Numbers[i])
                {
                    throw new ArgumentException($"allocation names {amounts[i].Key} twice", nameof(amounts));
                }
            }
        }
    }

    /// <summary>The <see cref="ResourceIndex"/> number of each entry, in order.</summary>
    internal int[] Numbers { get; }

    public int Count => _amounts.Length;

    public KeyValuePair<ResourceName, int> this[int index] => _amounts[index];

    /// <summary>The amount of <paramref name="resource"/> held, 0 if none.</summary>
    public int AmountOf(ResourceName resource)
    {
        foreach (var (name, amount) in _amounts)
        {
            if (name == resource)
            {
                return amount;
            }
        }

        return 0;
    }

    public int Processors => AmountOf(ResourceName.Processors);

    /// <summary>This allocation with <paramref name="extra"/> added, keeping this one's order.</summary>
    public Allocation Plus(Allocation extra)
    {
        var merged = new List<KeyValuePair<ResourceName, int>>(_amounts);
        foreach (var (name, amount) in extra._amounts)
        {
            var i = merged.FindIndex(kv => kv.Key == name);
            if (i < 0)
            {
                merged.Add(new(name, amount));
            }
            else
            {
                merged[i] = new(name, merged[i].Value + amount);
            }
        }

        return new Allocation(merged.ToArray());
    }

    public Dictionary<string, int> ToDictionary() => _amounts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value);

    public IEnumerator<KeyValuePair<ResourceName, int>> GetEnumerator() => ((IEnumerable<KeyValuePair<ResourceName, int>>)_amounts).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(',', _amounts.Select(kv => $"{kv.Key}={kv.Value}"));
}
