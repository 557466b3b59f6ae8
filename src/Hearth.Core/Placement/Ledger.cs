using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>An attempt to over-commit or to release what is not held; the ledger is left unchanged.</summary>
public sealed class LedgerException(string message) : InvalidOperationException(message);

/// <summary>Total and used counts of one resource.</summary>
public readonly record struct ResourceUsage(ResourceName Resource, int Total, int Used)
{
    public int Free => Total - Used;
}

/// <summary>
/// The resource ledger: per-host and global totals and used counts. Reserve and release are exact and
/// all-or-nothing; <c>used</c> never exceeds <c>total</c> and never goes negative. It also keeps the
/// capacity index placement searches, current with every change.
/// </summary>
public sealed class Ledger
{
    private readonly List<HostEntry> _hosts = [];
    private readonly Dictionary<string, int> _hostByName = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ResourceName, (int Total, int Used)> _globals = new(ResourceName.Order);

    internal CapacityIndex Open { get; } = new();

    internal CapacityIndex Idle { get; } = new();

    public int HostCount => _hosts.Count;

    public IEnumerable<string> HostNames => _hosts.Select(h => h.Name);

    /// <summary>Adds a host, or brings back a known one with new totals when it holds nothing.</summary>
    public int AddHost(string name, IReadOnlyDictionary<ResourceName, int> totals)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var (resource, total) in totals)
        {
            if (!resource.IsHost)
            {
                throw new LedgerException($"host {name}: {resource} is not a host resource");
            }

            if (total < 0)
            {
                throw new LedgerException($"host {name}: {resource}={total} is negative");
            }
        }

        if (_hostByName.TryGetValue(name, out var existing))
        {
            var host = _hosts[existing];
            if (host.Running > 0 || host.Used.Values.Any(u => u != 0))
            {
                throw new LedgerException($"host {name} still holds work; release it before changing its resources");
            }

            host.Total = new Dictionary<ResourceName, int>(totals);
            host.Up = true;
            Reindex(existing);
            return existing;
        }

        var index = _hosts.Count;
        _hosts.Add(new HostEntry(name, new Dictionary<ResourceName, int>(totals)));
        _hostByName.Add(name, index);
        Reindex(index);
        return index;
    }

    public int HostIndex(string name) =>
        _hostByName.TryGetValue(name, out var index) ? index : throw new LedgerException($"unknown host {name}");

    public bool TryGetHostIndex(string name, out int index) => _hostByName.TryGetValue(name, out index);

    public string HostName(int host) => _hosts[host].Name;

    public bool IsUp(int host) => _hosts[host].Up;

    public int RunningOn(int host) => _hosts[host].Running;

    /// <summary>Marks a host up or down. A down host is never offered to placement.</summary>
    public void SetUp(int host, bool up)
    {
        _hosts[host].Up = up;
        Reindex(host);
    }

    /// <summary>Defines or resizes a global resource; it cannot shrink below what is in use.</summary>
    public void DefineGlobal(ResourceName resource, int total)
    {
        if (resource.IsHost)
        {
            throw new LedgerException($"{resource} is not a global resource");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var used = _globals.TryGetValue(resource, out var current) ? current.Used : 0;
        if (total < used)
        {
            throw new LedgerException($"{resource} cannot shrink to {total}: {used} in use");
        }

        _globals[resource] = (total, used);
    }

    public bool HasGlobal(ResourceName resource) => _globals.ContainsKey(resource);

    public int Free(int host, ResourceName resource)
    {
        var entry = _hosts[host];
        return entry.Total.GetValueOrDefault(resource) - entry.Used.GetValueOrDefault(resource);
    }

    public int GlobalFree(ResourceName resource) =>
        _globals.TryGetValue(resource, out var g) ? g.Total - g.Used : 0;

    public IReadOnlyList<ResourceUsage> HostUsage(int host)
    {
        var entry = _hosts[host];
        return [.. entry.Total.Keys.Union(entry.Used.Keys).Order(ResourceName.Order)
            .Select(r => new ResourceUsage(r, entry.Total.GetValueOrDefault(r), entry.Used.GetValueOrDefault(r)))];
    }

    public IReadOnlyList<ResourceUsage> GlobalUsage() =>
        [.. _globals.Select(kv => new ResourceUsage(kv.Key, kv.Value.Total, kv.Value.Used))];

    /// <summary>True when every amount fits in what is free.</summary>
    public bool Fits(int host, Allocation allocation)
    {
        foreach (var (resource, amount) in allocation)
        {
            var free = resource.IsHost ? Free(host, resource) : GlobalFree(resource);
            if (amount > free)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes <paramref name="allocation"/> on <paramref name="host"/>, all or nothing.</summary>
    public void Reserve(int host, Allocation allocation, bool startsWork)
    {
        var entry = _hosts[host];
        if (!entry.Up)
        {
            throw new LedgerException($"host {entry.Name} is down");
        }

        foreach (var (resource, amount) in allocation)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(amount);
            RequireKnown(resource);
            var free = resource.IsHost ? Free(host, resource) : GlobalFree(resource);
            if (amount > free)
            {
                throw new LedgerException($"{resource}={amount} does not fit on {entry.Name}: {free} free");
            }
        }

        foreach (var (resource, amount) in allocation)
        {
            Adjust(entry, resource, amount);
        }

        if (startsWork)
        {
            entry.Running++;
        }

        Reindex(host);
    }

    /// <summary>Returns <paramref name="allocation"/> from <paramref name="host"/>, all or nothing.</summary>
    public void Release(int host, Allocation allocation, bool endsWork)
    {
        var entry = _hosts[host];
        foreach (var (resource, amount) in allocation)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(amount);
            RequireKnown(resource);
            var used = resource.IsHost ? entry.Used.GetValueOrDefault(resource)
                : _globals.TryGetValue(resource, out var g) ? g.Used : 0;
            if (amount > used)
            {
                throw new LedgerException($"cannot release {resource}={amount} on {entry.Name}: only {used} in use");
            }
        }

        if (endsWork && entry.Running == 0)
        {
            throw new LedgerException($"host {entry.Name} has no work to end");
        }

        foreach (var (resource, amount) in allocation)
        {
            Adjust(entry, resource, -amount);
        }

        if (endsWork)
        {
            entry.Running--;
        }

        Reindex(host);
    }

    private void RequireKnown(ResourceName resource)
    {
        if (!resource.IsHost && !_globals.ContainsKey(resource))
        {
            throw new LedgerException($"unknown global resource {resource}");
        }
    }

    private void Adjust(HostEntry entry, ResourceName resource, int delta)
    {
        if (resource.IsHost)
        {
            entry.Used[resource] = entry.Used.GetValueOrDefault(resource) + delta;
        }
        else
        {
            var g = _globals[resource];
            _globals[resource] = (g.Total, g.Used + delta);
        }
    }

    private void Reindex(int host)
    {
        var entry = _hosts[host];
        if (!entry.Up)
        {
            Open.Remove(host);
            Idle.Remove(host);
            return;
        }

        var free = Free(host, ResourceName.Processors);
        Open.Set(host, free);
        if (entry.Running == 0)
        {
            Idle.Set(host, free);
        }
        else
        {
            Idle.Remove(host);
        }
    }

    private sealed class HostEntry(string name, Dictionary<ResourceName, int> total)
    {
        public string Name { get; } = name;

        public Dictionary<ResourceName, int> Total { get; set; } = total;

        public Dictionary<ResourceName, int> Used { get; } = [];

        public bool Up { get; set; } = true;

        public int Running { get; set; }
    }
}
