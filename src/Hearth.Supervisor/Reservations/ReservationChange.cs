using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Reservations;

/// <summary>The outcome of a change: the reservation as it now is, or the field errors, or a conflict.</summary>
internal sealed record ReservationChange(ReservationView? Reservation, IReadOnlyList<FieldError> Errors, bool NotFound = false)
{
    public bool Succeeded => Reservation is not null;
}
