using System.Collections;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>The resources one piece of work holds: host resources on its host, and global resources.</summary>
public sealed class Allocation : IReadOnlyList<KeyValuePair<ResourceName, int>>
{
    public static readonly Allocation Empty = new([]);

    private readonly KeyValuePair<ResourceName, int>[] _amounts;

    /// <summary>Each resource appears once: the ledger checks and moves amounts per resource.</summary>
    public Allocation(IEnumerable<KeyValuePair<ResourceName, int>> amounts)
    {
        _amounts = [.. amounts];
        for (var i = 1; i < _amounts.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (_amounts[i].Key == _amounts[j].Key)
                {
                    throw new ArgumentException($"allocation names {_amounts[i].Key} twice", nameof(amounts));
                }
            }
        }
    }

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

        return new Allocation(merged);
    }

    public Dictionary<string, int> ToDictionary() => _amounts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value);

    public IEnumerator<KeyValuePair<ResourceName, int>> GetEnumerator() => ((IEnumerable<KeyValuePair<ResourceName, int>>)_amounts).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(',', _amounts.Select(kv => $"{kv.Key}={kv.Value}"));
}
