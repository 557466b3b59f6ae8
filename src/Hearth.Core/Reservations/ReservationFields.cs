namespace Hearth.Core.Reservations;

/// <summary>The wire names of a reservation's fields.</summary>
public static class ReservationFields
{
    public const string CallingUser = "calling_user";
    public const string Algorithm = "algorithm";
    public const string VersionType = "version_type";
    public const string Count = "count";
    public const string Schedule = "schedule";
    public const string TimeZone = "time_zone";
}
