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
