using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// A valid reservation: keep <see cref="Count"/> warm instances of what <see cref="Algorithm"/> and
/// <see cref="VersionType"/> resolve to, for the account <see cref="CallingUser"/>. <see cref="Version"/> is the
/// normalized <c>X.Y.Z</c> for <see cref="Reservations.VersionType.Semver"/>, the lower-case hash for
/// <see cref="Reservations.VersionType.Hash"/>, and null for the <c>latest_*</c> types.
/// </summary>
public sealed record ReservationDefinition(
    string Id,
    string CallingUser,
    AlgorithmName Algorithm,
    VersionType VersionType,
    string? Version,
    int Count,
    ReservationSchedule? Schedule,
    DateTimeOffset CreatedAt)
{
    /// <summary><c>OWNER/NAME</c>, or <c>OWNER/NAME/VERSION</c> for a specific version.</summary>
    public string AlgorithmPath => Version is null ? Algorithm.ToString() : $"{Algorithm}/{Version}";

    /// <summary>The count wanted at <paramref name="now"/>: a scheduled window's, or the base count.</summary>
    public int DesiredAt(DateTimeOffset now) => Schedule?.CountAt(Count, now) ?? Count;

    /// <summary>True when <paramref name="other"/> keeps the same thing warm for the same account.</summary>
    public bool SameTarget(ReservationDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return CallingUser == other.CallingUser && Algorithm == other.Algorithm && VersionType == other.VersionType && Version == other.Version;
    }

    /// <summary>The same reservation keeping <paramref name="count"/> instances; a change of count needs no restart.</summary>
    public ReservationDefinition WithCount(int count) => count is > 0 and <= InstanceCount.Max
        ? this with { Count = count }
        : throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be between 1 and {InstanceCount.Max}");
}
