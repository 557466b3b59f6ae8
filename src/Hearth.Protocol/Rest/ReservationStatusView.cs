namespace Hearth.Protocol.Rest;

/// <summary>
/// <paramref name="Desired"/> instances wanted now (the count, or a scheduled window's), <paramref name="Ready"/> warm
/// and <paramref name="Starting"/> loading on the current build, <paramref name="State"/> <c>ready</c>,
/// <c>pending</c> or <c>failing</c>, and a <paramref name="Reason"/> to act on. <paramref name="Retiring"/> counts
/// instances of a previous build that keep serving until the current one is warm.
/// </summary>
public sealed record ReservationStatusView(
    int Desired,
    int Ready,
    int Starting,
    string State,
    string Reason,
    int Retiring,
    string? Hash,
    string? Version);
