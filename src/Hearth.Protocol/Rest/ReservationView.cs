namespace Hearth.Protocol.Rest;

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
