using System.Text.Json;

namespace Hearth.Protocol.Rest;

/// <summary>The body of <c>PATCH /v1/admin/reservations/{id}</c>: a new count, effective without a restart.</summary>
public sealed record UpdateReservationRequest(JsonElement? Count);
