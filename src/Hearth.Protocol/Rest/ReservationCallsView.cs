namespace Hearth.Protocol.Rest;

/// <summary>Calls of the reservation's account to the reserved build: served warm by its instances, or spilled over to others.</summary>
public sealed record ReservationCallsView(long Warm, long Spilled);
