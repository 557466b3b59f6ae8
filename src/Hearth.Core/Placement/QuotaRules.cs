using System.Globalization;

namespace Hearth.Core.Placement;

/// <summary>
/// How much more an account may take under its own limits and those of every organization it belongs to, and why
/// it may take no more. Shared by placement and by the pending reasons read from a snapshot.
/// </summary>
internal static class QuotaRules
{
    /// <summary>
    /// The processors an account's subjob may still take (int.MaxValue when nothing limits it), and the account or
    /// organization whose limit leaves the least.
    /// </summary>
    public static int SlotRoom(
        string account, IReadOnlyList<string> organizations, Func<string, AccountLimits> limits, Func<string, AccountHolding> held, out string? tightest)
    {
        tightest = null;
        var room = int.MaxValue;
        for (var i = -1; i < organizations.Count; i++)
        {
            var name = i < 0 ? account : organizations[i];
            var max = limits(name).MaxSlots;
            if (max >= 0 && max - held(name).Slots < room)
            {
                room = Math.Max(0, max - held(name).Slots);
                tightest = name;
            }
        }

        return room;
    }

    /// <summary>The account or organization already at its instance limit, if any.</summary>
    public static string? InstanceBlocker(
        string account, IReadOnlyList<string> organizations, Func<string, AccountLimits> limits, Func<string, AccountHolding> held)
    {
        for (var i = -1; i < organizations.Count; i++)
        {
            var name = i < 0 ? account : organizations[i];
            var max = limits(name).MaxInstances;
            if (max >= 0 && held(name).Instances >= max)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>"alice holds 2 of its 2 slots (max-slots)", or for an organization "acme, alice's organization, holds ...".</summary>
    public static string Describe(string account, string holder, bool instances, Func<string, AccountLimits> limits, Func<string, AccountHolding> held)
    {
        var who = holder == account ? account : $"{holder}, {account}'s organization,";
        var (have, max, what, option) = instances
            ? (held(holder).Instances, limits(holder).MaxInstances, "instances", "max-instances")
            : (held(holder).Slots, limits(holder).MaxSlots, "slots", "max-slots");
        return string.Create(CultureInfo.InvariantCulture, $"quota: {who} holds {have} of its {max} {what} ({option})");
    }
}
