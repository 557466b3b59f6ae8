namespace Hearth.Supervisor.Storage;

/// <summary>
/// A stored reservation. <paramref name="PinnedVersion"/> is the <c>X.Y.Z</c> or hash of a <c>semver</c> or
/// <c>hash</c> reservation (null for <c>latest_*</c>); <paramref name="Schedule"/> is its windows as JSON.
/// <paramref name="WarmCalls"/> and <paramref name="SpilledCalls"/> count its account's calls served by its
/// instances and by others. <paramref name="Version"/> is the optimistic-concurrency token.
/// </summary>
public sealed record ReservationRecord(
    long Id,
    string CallingUser,
    string Owner,
    string Name,
    string VersionType,
    string? PinnedVersion,
    int Count,
    string? Schedule,
    string TimeZone,
    DateTimeOffset CreatedAt,
    long WarmCalls,
    long SpilledCalls,
    long Version);
