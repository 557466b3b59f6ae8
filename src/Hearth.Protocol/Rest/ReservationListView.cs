namespace Hearth.Protocol.Rest;

public sealed record ReservationListView(IReadOnlyList<ReservationView> Reservations);
