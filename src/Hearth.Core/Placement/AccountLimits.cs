namespace Hearth.Core.Placement;

/// <summary>
/// What one account, a user or an organization, may hold at once: <paramref name="MaxSlots"/> processors held by its
/// jobs' subjobs and <paramref name="MaxInstances"/> algorithm instances serving its calls. <see cref="Unlimited"/>
/// (-1) is no limit. An organization's limit caps the sum over its members, beside each member's own.
/// </summary>
public sealed record AccountLimits(int MaxSlots = AccountLimits.Unlimited, int MaxInstances = AccountLimits.Unlimited)
{
    public const int Unlimited = -1;

    public static readonly AccountLimits None = new();

    public bool IsNone => MaxSlots < 0 && MaxInstances < 0;

    /// <summary>Why a value cannot be a limit, naming <paramref name="field"/>; null when it can.</summary>
    public static string? Why(string field, int value) =>
        value < Unlimited ? $"{field} {value} is not a limit: give -1 for no limit, or a count of 0 or more" : null;
}
