using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// Accounts' limits and what each account holds against them. Work charges its account and every organization that
/// account belonged to when the work started, and releases exactly those when it ends, whatever changed meanwhile.
/// Subjobs charge the processors they hold, instances one instance each; work of no account (the admin's) charges
/// nothing. Owned by the <see cref="Cluster"/>; holdings are kept whether or not any limit is set, so a limit set
/// later counts what already runs. A changed limit applies to new work only: nothing running is taken back.
/// </summary>
public sealed class Quotas
{
    private readonly Dictionary<string, AccountLimits> _limits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _organizations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountHolding> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChargedWork> _charges = new(StringComparer.Ordinal);
    private readonly Func<string, AccountLimits> _limitsOf;
    private readonly Func<string, AccountHolding> _heldBy;

    public Quotas()
    {
        _limitsOf = LimitsOf;
        _heldBy = HeldBy;
    }

    /// <summary>True when some account has a limit: placement checks quotas only then.</summary>
    public bool AnyLimit => _limits.Count > 0;

    public IReadOnlyDictionary<string, AccountLimits> Limits => _limits;

    public AccountLimits LimitsOf(string account) => _limits.GetValueOrDefault(account) ?? AccountLimits.None;

    public AccountHolding HeldBy(string account) => _held.GetValueOrDefault(account);

    public IReadOnlyList<string> OrganizationsOf(string account) => _organizations.GetValueOrDefault(account) ?? [];

    public void SetLimits(string account, AccountLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if ((AccountLimits.Why("max-slots", limits.MaxSlots) ?? AccountLimits.Why("max-instances", limits.MaxInstances)) is { } why)
        {
            throw new PlacementException($"account {account}: {why}");
        }

        if (limits.IsNone)
        {
            _limits.Remove(account);
        }
        else
        {
            _limits[account] = limits;
        }
    }

    /// <summary>The organizations <paramref name="account"/> is a member of; work started from now on charges them too.</summary>
    public void SetOrganizations(string account, IEnumerable<string> organizations)
    {
        var orgs = organizations.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (orgs.Length == 0)
        {
            _organizations.Remove(account);
        }
        else
        {
            _organizations[account] = orgs;
        }
    }

    /// <summary>How many processors a subjob of <paramref name="account"/> may still take; int.MaxValue when nothing limits it.</summary>
    public int SlotRoom(string account) => QuotaRules.SlotRoom(account, OrganizationsOf(account), _limitsOf, _heldBy, out _);

    /// <summary>Why <paramref name="request"/> cannot start under its account's quotas; null when they leave it room.</summary>
    public string? Explain(WorkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Account is not { } account)
        {
            return null;
        }

        var orgs = OrganizationsOf(account);
        if (request.IsInstance)
        {
            return QuotaRules.InstanceBlocker(account, orgs, _limitsOf, _heldBy) is { } blocker
                ? QuotaRules.Describe(account, blocker, instances: true, _limitsOf, _heldBy)
                : null;
        }

        var room = QuotaRules.SlotRoom(account, orgs, _limitsOf, _heldBy, out var tightest);
        return room < Math.Max(1, MinimumProcessors(request)) ? QuotaRules.Describe(account, tightest!, instances: false, _limitsOf, _heldBy) : null;
    }

    /// <summary>What the limited accounts hold now, for readers off the loop; empty when no account has a limit.</summary>
    public QuotaSnapshot Snapshot()
    {
        if (_limits.Count == 0)
        {
            return QuotaSnapshot.Empty;
        }

        var limits = new Dictionary<string, AccountLimits>(_limits, StringComparer.Ordinal);
        var held = new Dictionary<string, AccountHolding>(StringComparer.Ordinal);
        foreach (var name in _limits.Keys)
        {
            held[name] = HeldBy(name);
        }

        var organizations = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (member, orgs) in _organizations)
        {
            if (Array.Exists(orgs, _limits.ContainsKey))
            {
                organizations[member] = orgs;
            }
        }

        return new QuotaSnapshot(limits, held, organizations);
    }

    /// <summary>The processors <paramref name="request"/> needs at least to start.</summary>
    internal static int MinimumProcessors(WorkRequest request)
    {
        foreach (var item in request.Spec.EffectiveItems())
        {
            if (item.Resource == ResourceName.Processors)
            {
                return item.Min;
            }
        }

        return 0;
    }

    /// <summary>True when an instance of <paramref name="account"/> may start under its and its organizations' instance limits.</summary>
    internal bool InstanceRoom(string account) => QuotaRules.InstanceBlocker(account, OrganizationsOf(account), _limitsOf, _heldBy) is null;

    /// <summary>Work started holding <paramref name="allocation"/>: its account and that account's organizations are charged.</summary>
    internal void Charge(WorkRequest request, Allocation allocation)
    {
        if (request.Account is not { } account)
        {
            return;
        }

        var orgs = OrganizationsOf(account);
        var names = new string[orgs.Count + 1];
        names[0] = account;
        for (var i = 0; i < orgs.Count; i++)
        {
            names[i + 1] = orgs[i];
        }

        var charge = new ChargedWork(names, request.IsInstance ? 0 : allocation.AmountOf(ResourceName.Processors), request.IsInstance);
        _charges[request.Id] = charge;
        Add(charge, charge.Slots, charge.Instance ? 1 : 0);
    }

    /// <summary>Running work grew (or a trial of growth is undone with a negative amount) by <paramref name="processors"/>.</summary>
    internal void Grow(string workId, int processors)
    {
        if (_charges.TryGetValue(workId, out var charge) && !charge.Instance && processors != 0)
        {
            charge.Slots += processors;
            Add(charge, processors, 0);
        }
    }

    /// <summary>Work ended: exactly what it charged is released.</summary>
    internal void Release(string workId)
    {
        if (_charges.Remove(workId, out var charge))
        {
            Add(charge, -charge.Slots, charge.Instance ? -1 : 0);
        }
    }

    private void Add(ChargedWork charge, int slots, int instances)
    {
        foreach (var name in charge.Accounts)
        {
            var now = HeldBy(name);
            var next = new AccountHolding(now.Slots + slots, now.Instances + instances);
            if (next == default)
            {
                _held.Remove(name);
            }
            else
            {
                _held[name] = next;
            }
        }
    }

    /// <summary>What one piece of running work charged, and to whom.</summary>
    private sealed class ChargedWork(string[] accounts, int slots, bool instance)
    {
        public string[] Accounts { get; } = accounts;

        public int Slots { get; set; } = slots;

        public bool Instance { get; } = instance;
    }
}
