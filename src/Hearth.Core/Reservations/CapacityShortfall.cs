using System.Globalization;
using Hearth.Core.Resources;

namespace Hearth.Core.Reservations;

/// <summary>
/// Explains why instances that wait for placement cannot be placed, in terms an admin can act on:
/// <c>waiting for capacity: needs host.memory=4096, largest free is 2048 on w3</c>.
/// </summary>
public static class CapacityShortfall
{
    /// <summary>
    /// Packs <paramref name="waiting"/> instances of <paramref name="spec"/> into the free capacity, first fit; null when
    /// all fit, else the reason the first one that does not fit cannot be placed.
    /// </summary>
    public static string? Explain(ResourceRequest spec, int waiting, CapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(capacity);
        if (waiting <= 0)
        {
            return null;
        }

        var items = spec.EffectiveItems();
        var hosts = capacity.Hosts.Where(h => h.Up).Select(h => (h.Name, h.Total, Free: new Dictionary<ResourceName, int>(h.Free))).ToList();
        var globals = new Dictionary<ResourceName, int>(capacity.GlobalFree);
        if (hosts.Count == 0)
        {
            return "waiting for capacity: no worker is connected";
        }

        for (var n = 0; n < waiting; n++)
        {
            var globalsFit = items.Where(i => !i.Resource.IsHost).All(i => globals.GetValueOrDefault(i.Resource) >= i.Min);
            var host = globalsFit ? hosts.FindIndex(h => items.Where(i => i.Resource.IsHost).All(i => h.Free.GetValueOrDefault(i.Resource) >= i.Min)) : -1;
            if (host < 0)
            {
                return Why(items, hosts, globals);
            }

            foreach (var item in items)
            {
                var amounts = item.Resource.IsHost ? hosts[host].Free : globals;
                amounts[item.Resource] = amounts.GetValueOrDefault(item.Resource) - item.Min;
            }
        }

        return null;
    }

    /// <summary>
    /// Why one piece of work of <paramref name="spec"/> waits, or null when it fits now (it is placed on the next
    /// cycle). <c>N*</c> and <c>all</c> need a worker with nothing running: <paramref name="idleHosts"/>.
    /// </summary>
    public static string? ExplainOne(ResourceRequest spec, CapacityView capacity, IReadOnlySet<string> idleHosts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(capacity);
        ArgumentNullException.ThrowIfNull(idleHosts);
        if (spec.EffectiveItems().All(i => i.Mode != GrantMode.Idle) || !capacity.Hosts.Any(h => h.Up))
        {
            return Explain(spec, 1, capacity);
        }

        var idle = capacity with { Hosts = [.. capacity.Hosts.Where(h => idleHosts.Contains(h.Name))] };
        if (!idle.Hosts.Any(h => h.Up))
        {
            return "waiting for an idle worker: N* and all need a worker with nothing running, and every worker runs something";
        }

        return Explain(spec, 1, idle) is { } why ? $"{why} (among the idle workers)" : null;
    }

    private static string Why(
        IReadOnlyList<ResourceRequestItem> items,
        List<(string Name, IReadOnlyDictionary<ResourceName, int> Total, Dictionary<ResourceName, int> Free)> hosts,
        Dictionary<ResourceName, int> globals)
    {
        foreach (var item in items)
        {
            var need = $"{item.Resource}={item.Min.ToString(CultureInfo.InvariantCulture)}";
            if (!item.Resource.IsHost)
            {
                var free = globals.GetValueOrDefault(item.Resource);
                if (free < item.Min)
                {
                    return $"waiting for capacity: needs {need}, {Free(free)} across the cluster";
                }

                continue;
            }

            var largestTotal = hosts.Max(h => h.Total.GetValueOrDefault(item.Resource));
            if (largestTotal < item.Min)
            {
                return largestTotal == 0
                    ? $"waiting for capacity: needs {need}, and no worker has {item.Resource}"
                    : $"waiting for capacity: needs {need}, and the largest worker has {largestTotal.ToString(CultureInfo.InvariantCulture)} in all";
            }

            var best = hosts.OrderByDescending(h => h.Free.GetValueOrDefault(item.Resource)).ThenBy(h => h.Name, StringComparer.Ordinal).First();
            var largestFree = best.Free.GetValueOrDefault(item.Resource);
            if (largestFree <= 0)
            {
                return $"waiting for capacity: needs {need}, and every worker has all of its {item.Resource} in use";
            }

            if (largestFree < item.Min)
            {
                return $"waiting for capacity: needs {need}, largest free is {largestFree.ToString(CultureInfo.InvariantCulture)} on {best.Name}";
            }
        }

        var together = string.Join(',', items.Where(i => i.Resource.IsHost).Select(i => $"{i.Resource}={i.Min.ToString(CultureInfo.InvariantCulture)}"));
        return $"waiting for capacity: needs {together} on one worker, and none has all of it free";
    }

    private static string Free(int free) => free <= 0 ? "none free" : $"only {free.ToString(CultureInfo.InvariantCulture)} free";
}
