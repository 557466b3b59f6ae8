namespace Hearth.Protocol.Rest;

/// <summary>States of a reservation, as the API spells them.</summary>
public static class ReservationStates
{
    public const string Ready = "ready";
    public const string Pending = "pending";
    public const string Failing = "failing";
}
