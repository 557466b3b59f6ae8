using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Accounts' limits and shares as an admin set them, and the memberships quotas count by. It owns their stored form and
/// keeps the cluster's <see cref="Quotas"/> in step with it; the holdings are the cluster's. A changed limit applies
/// to new work only. Only the loop touches it.
/// </summary>
internal sealed class AccountSharing(Cluster cluster)
{
    public const int DefaultShares = 1;

    private readonly Dictionary<string, AccountLimitRecord> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _organizations = new(StringComparer.Ordinal);

    /// <summary>Reads what the store kept; a row that no longer makes sense is skipped rather than stopping the supervisor.</summary>
    public void Restore(StoredCluster stored)
    {
        foreach (var record in stored.AccountLimits)
        {
            if (Why(record) is null)
            {
                _settings[record.Name] = record;
                cluster.Quotas.SetLimits(record.Name, new AccountLimits(record.MaxSlots, record.MaxInstances));
            }
        }

        foreach (var membership in stored.Memberships)
        {
            Member(membership.Org, membership.Member);
        }
    }

    /// <summary>The settings of <paramref name="account"/>, the defaults when none were set.</summary>
    public AccountLimitRecord Of(string account) =>
        _settings.GetValueOrDefault(account) ?? new AccountLimitRecord(account, AccountLimits.Unlimited, AccountLimits.Unlimited, DefaultShares);

    /// <summary>
    /// Changes the given settings of an account that exists (the caller checked), all or nothing: every value is
    /// checked before any is applied. Nothing running is stopped by a lower limit.
    /// </summary>
    public AccountLimitRecord Set(string account, int? maxSlots, int? maxInstances, int? shares, CycleEffects fx)
    {
        var current = Of(account);
        var next = new AccountLimitRecord(account, maxSlots ?? current.MaxSlots, maxInstances ?? current.MaxInstances, shares ?? current.Shares);
        if (Why(next) is { } why)
        {
            throw new FarmRequestException($"account {account}: {why}");
        }

        cluster.Quotas.SetLimits(account, new AccountLimits(next.MaxSlots, next.MaxInstances));
        _settings[account] = next;
        fx.Record(next);
        fx.ViewChanged = true;
        return next;
    }

    /// <summary><paramref name="member"/> joined <paramref name="org"/>: its work started from now on counts against the organization too.</summary>
    public void Member(string org, string member)
    {
        if (!_organizations.TryGetValue(member, out var orgs))
        {
            orgs = new SortedSet<string>(StringComparer.Ordinal);
            _organizations.Add(member, orgs);
        }

        if (orgs.Add(org))
        {
            cluster.Quotas.SetOrganizations(member, orgs);
        }
    }

    /// <summary>Why these settings cannot be kept, naming the field; null when they can.</summary>
    public static string? Why(AccountLimitRecord settings) =>
        AccountLimits.Why("max_slots", settings.MaxSlots)
        ?? AccountLimits.Why("max_instances", settings.MaxInstances)
        ?? (settings.Shares < 1
            ? string.Create(CultureInfo.InvariantCulture, $"shares {settings.Shares} is not allowed: an account's shares are a whole number of 1 or more (the default is {DefaultShares})")
            : null);
}
