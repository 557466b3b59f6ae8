using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>A request whose fields are well formed, not yet checked against the catalog.</summary>
public sealed record ReservationParts(string CallingUser, AlgorithmName Algorithm, VersionType VersionType, string? Version, int Count, ReservationSchedule? Schedule);
