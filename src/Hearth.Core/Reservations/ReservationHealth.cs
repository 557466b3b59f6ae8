namespace Hearth.Core.Reservations;

/// <summary>
/// How a reservation's instances have been faring on one build: consecutive load failures since the last instance
/// came up, and the last one's log line. The supervisor keeps one per reservation and feeds it events; it resets
/// when an instance loads, or when the reservation's target moves to another build.
/// </summary>
public sealed record ReservationHealth(string? Hash, int LoadFailures, DateTimeOffset? LastFailureAt, string? LastFailure)
{
    public static readonly ReservationHealth Healthy = new(null, 0, null, null);

    /// <summary>An instance of <paramref name="hash"/> exited before it printed PIPE_INIT_COMPLETE.</summary>
    public ReservationHealth WithLoadFailure(string hash, DateTimeOffset at, string? lastLogLine) =>
        new(hash, hash == Hash ? LoadFailures + 1 : 1, at, string.IsNullOrWhiteSpace(lastLogLine) ? null : lastLogLine.Trim());

    /// <summary>An instance of <paramref name="hash"/> loaded: the build works.</summary>
    public ReservationHealth WithReady(string hash) => hash == Hash || Hash is null ? Healthy : this;

    /// <summary>Failures that concern <paramref name="hash"/>; failures of a build no longer targeted do not count.</summary>
    public int FailuresOf(string hash) => hash == Hash ? LoadFailures : 0;
}
