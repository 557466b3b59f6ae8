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
/// capacity index that placement searches current with every change.
/// </summary>
public sealed class Ledger
{
    private const int ProcessorsNumber = 0;

    private readonly List<HostEntry> _hosts = [];
    private readonly Dictionary<string, int> _hostByName = new(StringComparer.Ordinal);
    private readonly Counts _globals = new(0);

    internal CapacityIndex Open { get; } = new();

    internal CapacityIndex Idle { get; } = new();

    public int HostCount => _hosts.Count;

    public IEnumerable<string> HostNames => _hosts.Select(h => h.Name);

    /// <summary>Adds a host, or brings back a known one with new totals when it holds nothing.</summary>
    public int AddHost(string name, IReadOnlyDictionary<ResourceName, int> totals)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var counts = new Counts(ResourceIndex.Count);
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

            counts.Define(ResourceIndex.Of(resource), total);
        }

        if (_hostByName.TryGetValue(name, out var existing))
        {
            var host = _hosts[existing];
            if (host.Running > 0 || !host.Counts.Unused)
            {
                throw new LedgerException($"host {name} still holds work; release it before changing its resources");
            }

            host.Counts = counts;
            host.Up = true;
            Reindex(existing);
            return existing;
        }

        var index = _hosts.Count;
        _hosts.Add(new HostEntry(name, counts));
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

    /// <summary>
    /// Whether a host isolates one account's work from another's (a sandbox per instance). Hosts are isolated until
    /// said otherwise; placement takes a host without isolation only when no isolated one fits.
    /// </summary>
    public bool IsIsolated(int host) => _hosts[host].Isolated;

    /// <summary>How many hosts have no isolation.</summary>
    public int UnisolatedCount { get; private set; }

    public void SetIsolated(int host, bool isolated)
    {
        var entry = _hosts[host];
        if (entry.Isolated != isolated)
        {
            entry.Isolated = isolated;
            UnisolatedCount += isolated ? -1 : 1;
        }
    }

    /// <summary>Defines or resizes a global resource; it cannot shrink below what is in use.</summary>
    public void DefineGlobal(ResourceName resource, int total)
    {
        if (resource.IsHost)
        {
            throw new LedgerException($"{resource} is not a global resource");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var number = ResourceIndex.Of(resource);
        var used = _globals.Used(number);
        if (total < used)
        {
            throw new LedgerException($"{resource} cannot shrink to {total}: {used} in use");
        }

        _globals.Define(number, total);
    }

    public bool HasGlobal(ResourceName resource) => _globals.IsDefined(ResourceIndex.Of(resource));

    public int Free(int host, ResourceName resource) => _hosts[host].Counts.Free(ResourceIndex.Of(resource));

    public int GlobalFree(ResourceName resource) => _globals.Free(ResourceIndex.Of(resource));

    internal int Free(int host, int number) => _hosts[host].Counts.Free(number);

    internal int GlobalFree(int number) => _globals.Free(number);

    public IReadOnlyList<ResourceUsage> HostUsage(int host) => _hosts[host].Counts.Usage();

    public IReadOnlyList<ResourceUsage> GlobalUsage() => _globals.Usage();

    /// <summary>True when every amount fits in what is free.</summary>
    public bool Fits(int host, Allocation allocation)
    {
        var counts = _hosts[host].Counts;
        var numbers = allocation.Numbers;
        for (var i = 0; i < numbers.Length; i++)
        {
            var free = allocation[i].Key.IsHost ? counts.Free(numbers[i]) : _globals.Free(numbers[i]);
            if (allocation[i].Value > free)
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

        for (var i = 0; i < allocation.Count; i++)
        {
            var (resource, amount) = allocation[i];
            ArgumentOutOfRangeException.ThrowIfNegative(amount);
            RequireKnown(resource, allocation.Numbers[i]);
            var free = resource.IsHost ? entry.Counts.Free(allocation.Numbers[i]) : _globals.Free(allocation.Numbers[i]);
            if (amount > free)
            {
                throw new LedgerException($"{resource}={amount} does not fit on {entry.Name}: {free} free");
            }
        }

        for (var i = 0; i < allocation.Count; i++)
        {
            (allocation[i].Key.IsHost ? entry.Counts : _globals).Add(allocation.Numbers[i], allocation[i].Value);
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
        for (var i = 0; i < allocation.Count; i++)
        {
            var (resource, amount) = allocation[i];
            ArgumentOutOfRangeException.ThrowIfNegative(amount);
            RequireKnown(resource, allocation.Numbers[i]);
            var used = resource.IsHost ? entry.Counts.Used(allocation.Numbers[i]) : _globals.Used(allocation.Numbers[i]);
            if (amount > used)
            {
                throw new LedgerException($"cannot release {resource}={amount} on {entry.Name}: only {used} in use");
            }
        }

        if (endsWork && entry.Running == 0)
        {
            throw new LedgerException($"host {entry.Name} has no work to end");
        }

        for (var i = 0; i < allocation.Count; i++)
        {
            (allocation[i].Key.IsHost ? entry.Counts : _globals).Add(allocation.Numbers[i], -allocation[i].Value);
        }

        if (endsWork)
        {
            entry.Running--;
        }

        Reindex(host);
    }

    private void RequireKnown(ResourceName resource, int number)
    {
        if (!resource.IsHost && !_globals.IsDefined(number))
        {
            throw new LedgerException($"unknown global resource {resource}");
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

        var free = entry.Counts.Free(ProcessorsNumber);
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

    private sealed class HostEntry(string name, Counts counts)
    {
        public string Name { get; } = name;

        public Counts Counts { get; set; } = counts;

        public bool Up { get; set; } = true;

        public bool Isolated { get; set; } = true;

        public int Running { get; set; }
    }

    /// <summary>Totals and used counts by resource number; a resource never defined has a total of 0.</summary>
    private sealed class Counts(int size)
    {
        private int[] _total = new int[size];
        private int[] _used = new int[size];
        private bool[] _defined = new bool[size];

        public bool Unused => _used.All(u => u == 0);

        public bool IsDefined(int number) => number < _defined.Length && _defined[number];

        public int Used(int number) => number < _used.Length ? _used[number] : 0;

        public int Free(int number) => number < _total.Length ? _total[number] - _used[number] : 0;

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
                    usage.Add(new ResourceUsage(ResourceIndex.NameOf(n), _total[n], _used[n]));
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
        }
    }
}
