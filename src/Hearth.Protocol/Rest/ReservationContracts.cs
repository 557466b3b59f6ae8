using System.Text.Json;

namespace Hearth.Protocol.Rest;

/// <summary>
/// The body of <c>POST /v1/admin/reservations</c>. <paramref name="Count"/> is a JSON number (a string of digits is
/// accepted too), kept raw so that 4.5 or "a" can be refused with a message that quotes it. Algorithmia's shape is
/// accepted instead of <c>algorithm</c> and <c>count</c>: <paramref name="Username"/> (the owner),
/// <paramref name="Algoname"/>, an optional <paramref name="VersionIdentifier"/> and <paramref name="NumSlots"/>.
/// </summary>
public sealed record CreateReservationRequest(
    string? CallingUser,
    string? Algorithm,
    string? VersionType,
    JsonElement? Count,
    IReadOnlyList<ScheduleWindowBody>? Schedule = null,
    string? TimeZone = null,
    string? Username = null,
    string? Algoname = null,
    JsonElement? NumSlots = null,
    string? VersionIdentifier = null);

/// <summary>
/// A scheduled window: from each occurrence of the cron expression <paramref name="Start"/> to the next of
/// <paramref name="End"/>, keep <paramref name="Count"/> instances instead of the reservation's count.
/// </summary>
public sealed record ScheduleWindowBody(string? Start, string? End, JsonElement? Count);

/// <summary>The body of <c>PATCH /v1/admin/reservations/{id}</c>: a new count, effective without a restart.</summary>
public sealed record UpdateReservationRequest(JsonElement? Count);

public sealed record ReservationListView(IReadOnlyList<ReservationView> Reservations);

/// <summary>A reservation: its fields, its live status and how its account's calls were served.</summary>
public sealed record ReservationView(
    long Id,
    string CallingUser,
    string Algorithm,
    string VersionType,
    int Count,
    IReadOnlyList<ScheduleWindowView> Schedule,
    string TimeZone,
    DateTimeOffset CreatedAt,
    ReservationStatusView Status,
    ReservationCallsView Calls)
{
    // Algorithmia's names for the same reservation, so its admin scripts read Hearth's listing unchanged.
    public string ReservationId => Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Username => Algorithm.Split('/')[0];

    public string Algoname => Algorithm.Split('/') is { Length: > 1 } parts ? parts[1] : "";

    public int NumSlots => Count;

    /// <summary>The build the reservation keeps warm now; null until it resolves.</summary>
    public string? VersionHash => Status.Hash;
}

public sealed record ScheduleWindowView(string Start, string End, int Count);

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

/// <summary>Calls of the reservation's account to the reserved build: served warm by its instances, or spilled over to others.</summary>
public sealed record ReservationCallsView(long Warm, long Spilled);

/// <summary>States of a reservation, as the API spells them.</summary>
public static class ReservationStates
{
    public const string Ready = "ready";
    public const string Pending = "pending";
    public const string Failing = "failing";
}
