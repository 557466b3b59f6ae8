using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>Start a new instance of <paramref name="Template"/> for <paramref name="Account"/>, held by the reservation from the start.</summary>
public sealed record StartReservedInstance(string ReservationId, string Account, InstanceTemplate Template) : ReservationCommand(ReservationId);
