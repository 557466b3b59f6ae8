namespace Hearth.Supervisor.Storage;

/// <summary>Calls to add to a reservation's counters.</summary>
public sealed record ReservationCallCounts(long Id, long Warm, long Spilled);
