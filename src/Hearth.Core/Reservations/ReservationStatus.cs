namespace Hearth.Core.Reservations;

/// <summary>
/// A reservation's status: <see cref="Desired"/> instances wanted now, <see cref="Ready"/> warm and
/// <see cref="Starting"/> loading on the current target, <see cref="Retiring"/> warm on a previous target while a
/// roll completes, and a <see cref="Reason"/> a person can act on. <see cref="ServingHashes"/> lists the builds whose
/// reserved instances may serve the account's calls now: the target first, then previous builds still warm.
/// </summary>
public sealed record ReservationStatus(
    string ReservationId,
    int Desired,
    int Ready,
    int Starting,
    int Retiring,
    ReservationState State,
    string Reason,
    string? TargetHash,
    string? TargetVersion,
    IReadOnlyList<string> ServingHashes)
{
    public string StateName => State switch
    {
        ReservationState.Ready => "ready",
        ReservationState.Pending => "pending",
        _ => "failing",
    };
}
