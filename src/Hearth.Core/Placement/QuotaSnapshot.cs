namespace Hearth.Core.Placement;

/// <summary>
/// The limited accounts' limits and holdings as the loop last saw them, and the memberships that bring other accounts
/// under those limits: enough to say why an account's work waits on a quota, off the loop.
/// </summary>
public sealed record QuotaSnapshot(
    IReadOnlyDictionary<string, AccountLimits> Limits,
    IReadOnlyDictionary<string, AccountHolding> Held,
    IReadOnlyDictionary<string, string[]> Organizations)
{
    public static readonly QuotaSnapshot Empty = new(
        new Dictionary<string, AccountLimits>(), new Dictionary<string, AccountHolding>(), new Dictionary<string, string[]>());

    /// <summary>Why a subjob of <paramref name="account"/> needing <paramref name="processors"/> waits on a quota; null when it does not.</summary>
    public string? ExplainSlots(string? account, int processors)
    {
        if (account is null || Limits.Count == 0)
        {
            return null;
        }

        var orgs = Organizations.GetValueOrDefault(account) ?? [];
        var room = QuotaRules.SlotRoom(account, orgs, LimitOf, HeldBy, out var tightest);
        return room < Math.Max(1, processors) ? QuotaRules.Describe(account, tightest!, instances: false, LimitOf, HeldBy) : null;
    }

    /// <summary>Why a new instance for <paramref name="account"/> may not start; null when it may.</summary>
    public string? ExplainInstances(string? account)
    {
        if (account is null || Limits.Count == 0)
        {
            return null;
        }

        var orgs = Organizations.GetValueOrDefault(account) ?? [];
        return QuotaRules.InstanceBlocker(account, orgs, LimitOf, HeldBy) is { } blocker
            ? QuotaRules.Describe(account, blocker, instances: true, LimitOf, HeldBy)
            : null;
    }

    private AccountLimits LimitOf(string account) => Limits.GetValueOrDefault(account) ?? AccountLimits.None;

    private AccountHolding HeldBy(string account) => Held.GetValueOrDefault(account);
}
