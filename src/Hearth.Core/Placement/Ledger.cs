using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

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
    private readonly LedgerCounts _globals = new(0);
    private readonly LedgerFacts _facts;

    public Ledger() => _facts = new LedgerFacts(this);

    internal CapacityIndex Open { get; } = new();

    internal CapacityIndex Idle { get; } = new();

    public int HostCount => _hosts.Count;

    public IEnumerable<string> HostNames => _hosts.Select(h => h.Name);

    /// <summary>Adds a host, or brings back a known one with new totals when it holds nothing.</summary>
    public int AddHost(string name, IReadOnlyDictionary<ResourceName, int> totals)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var counts = new LedgerCounts(ResourceIndex.Count);
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
            if (host.Running > 0 || !host.Counts.Unused || host.PerHostHolds?.Any(h => h.Value.Count > 0) == true)
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

    /// <summary>What requirements can ask of the host besides its resources; kept when the host goes down and comes back.</summary>
    public HostProperties Properties(int host) => _hosts[host].Properties;

    public void SetProperties(int host, HostProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        _hosts[host].Properties = properties;
    }

    /// <summary>The host as requirements see it. One reader per ledger, moved from host to host, so testing hosts allocates nothing.</summary>
    internal IHostFacts FactsAt(int host)
    {
        _facts.Host = host;
        return _facts;
    }

    public int RunningOn(int host) => _hosts[host].Running;

    /// <summary>Locked by an admin: it keeps what it holds but is offered no new work and no growth.</summary>
    public bool IsLocked(int host) => _hosts[host].Locked;

    /// <summary>Up and not locked: placement may put new work or growth here.</summary>
    public bool IsOpen(int host) => _hosts[host].Up && !_hosts[host].Locked;

    /// <summary>Locks or unlocks a host. The lock outlives the host going down and coming back.</summary>
    public void SetLocked(int host, bool locked)
    {
        _hosts[host].Locked = locked;
        Reindex(host);
    }

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

    /// <summary>
    /// Whether a host runs the jobs of accounts other than admin: it isolates them, or its admin allowed them
    /// unisolated. Hosts take them until said otherwise.
    /// </summary>
    public bool TakesAccountJobs(int host) => _hosts[host].TakesAccountJobs;

    public void SetTakesAccountJobs(int host, bool takes) => _hosts[host].TakesAccountJobs = takes;

    /// <summary>
    /// Defines or resizes a cluster-wide resource (<c>global</c>, <c>license</c> or <c>global_host</c>). A total
    /// below what is in use is allowed: nothing held is taken back, and nothing more is granted until use drops.
    /// </summary>
    public void DefineGlobal(ResourceName resource, int total)
    {
        if (resource.IsHost)
        {
            throw new LedgerException($"{resource} is not a global resource");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(total);
        _globals.Define(ResourceIndex.Of(resource), total);
    }

    /// <summary>How much of a <c>license</c> resource is in use outside the farm; the farm may take only the rest.</summary>
    public void SetOutsideUse(ResourceName resource, int inUse)
    {
        if (resource.Scope != ResourceScope.License)
        {
            throw new LedgerException($"{resource} is not a license resource; only license.* resources have outside use");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(inUse);
        var number = ResourceIndex.Of(resource);
        if (!_globals.IsDefined(number))
        {
            throw new LedgerException($"unknown license resource {resource}");
        }

        _globals.SetOutside(number, inUse);
    }

    /// <summary>
    /// Changes one host resource's total on a host at run time, even while work holds it. A total below what is
    /// in use grants nothing more there until use drops; running work keeps what it holds.
    /// </summary>
    public void SetHostTotal(int host, ResourceName resource, int total)
    {
        if (!resource.IsHost)
        {
            throw new LedgerException($"{resource} is not a host resource");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(total);
        _hosts[host].Counts.Define(ResourceIndex.Of(resource), total);
        Reindex(host);
    }

    public bool HasGlobal(ResourceName resource) => _globals.IsDefined(ResourceIndex.Of(resource));

    public int Free(int host, ResourceName resource) => _hosts[host].Counts.Free(ResourceIndex.Of(resource));

    public int GlobalFree(ResourceName resource) => _globals.Free(ResourceIndex.Of(resource));

    internal int Free(int host, int number) => _hosts[host].Counts.Free(number);

    internal LedgerCounts CountsOf(int host) => _hosts[host].Counts;

    internal LedgerCounts GlobalCounts => _globals;

    internal int GlobalFree(int number) => _globals.Free(number);

    /// <summary>How much of a per-host global resource work on <paramref name="host"/> can hold: what the host already takes, plus what the pool has free.</summary>
    public int GlobalHostFree(int host, ResourceName resource) => GlobalHostFree(host, ResourceIndex.Of(resource));

    internal int GlobalHostFree(int host, int number) => _hosts[host].Charge(number) + _globals.Free(number);

    public IReadOnlyList<ResourceUsage> HostUsage(int host) => _hosts[host].Counts.Usage();

    public IReadOnlyList<ResourceUsage> GlobalUsage() => _globals.Usage();

    /// <summary>True when every amount fits in what is free.</summary>
    public bool Fits(int host, Allocation allocation)
    {
        var numbers = allocation.Numbers;
        for (var i = 0; i < numbers.Length; i++)
        {
            var free = FreeFor(host, allocation[i].Key, numbers[i]);
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
            var free = FreeFor(host, resource, allocation.Numbers[i]);
            if (amount > free)
            {
                throw new LedgerException($"{resource}={amount} does not fit on {entry.Name}: {free} free");
            }
        }

        for (var i = 0; i < allocation.Count; i++)
        {
            if (allocation[i].Key.IsPerHostGlobal)
            {
                Hold(entry, allocation.Numbers[i], allocation[i].Value);
            }
            else
            {
                (allocation[i].Key.IsHost ? entry.Counts : _globals).Add(allocation.Numbers[i], allocation[i].Value);
            }
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
            if (resource.IsPerHostGlobal)
            {
                if (entry.PerHostHolds?.GetValueOrDefault(allocation.Numbers[i])?.Contains(amount) != true)
                {
                    throw new LedgerException($"cannot release {resource}={amount} on {entry.Name}: no work there holds that amount");
                }

                continue;
            }

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
            if (allocation[i].Key.IsPerHostGlobal)
            {
                Unhold(entry, allocation.Numbers[i], allocation[i].Value);
            }
            else
            {
                (allocation[i].Key.IsHost ? entry.Counts : _globals).Add(allocation.Numbers[i], -allocation[i].Value);
            }
        }

        if (endsWork)
        {
            entry.Running--;
        }

        Reindex(host);
    }

    private int FreeFor(int host, ResourceName resource, int number) => resource.Scope switch
    {
        ResourceScope.Host => _hosts[host].Counts.Free(number),
        ResourceScope.GlobalHost => GlobalHostFree(host, number),
        _ => _globals.Free(number),
    };

    /// <summary>A per-host global resource is taken from the pool only as far as this holder raises the host's charge.</summary>
    private void Hold(HostEntry entry, int number, int amount)
    {
        var before = entry.Charge(number);
        entry.PerHostHolds ??= [];
        if (!entry.PerHostHolds.TryGetValue(number, out var holds))
        {
            holds = [];
            entry.PerHostHolds.Add(number, holds);
        }

        holds.Add(amount);
        _globals.Add(number, entry.Charge(number) - before);
    }

    private void Unhold(HostEntry entry, int number, int amount)
    {
        var before = entry.Charge(number);
        entry.PerHostHolds![number].Remove(amount);
        _globals.Add(number, entry.Charge(number) - before);
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
        if (!entry.Up || entry.Locked)
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

    private sealed class HostEntry(string name, LedgerCounts counts)
    {
        public string Name { get; } = name;

        public LedgerCounts Counts { get; set; } = counts;

        public bool Up { get; set; } = true;

        public HostProperties Properties { get; set; } = HostProperties.Unknown(name);

        public bool Isolated { get; set; } = true;

        public bool TakesAccountJobs { get; set; } = true;

        public bool Locked { get; set; }

        public int Running { get; set; }

        /// <summary>For each per-host global resource held here, the amount each piece of work holds; null until one is.</summary>
        public Dictionary<int, List<int>>? PerHostHolds { get; set; }

        /// <summary>What this host takes from the pool of a per-host global resource: the most any one holder asked for.</summary>
        public int Charge(int number)
        {
            if (PerHostHolds is null || !PerHostHolds.TryGetValue(number, out var holds) || holds.Count == 0)
            {
                return 0;
            }

            var most = 0;
            foreach (var amount in holds)
            {
                most = Math.Max(most, amount);
            }

            return most;
        }
    }
}
