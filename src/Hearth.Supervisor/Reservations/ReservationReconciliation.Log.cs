using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Reservations;

internal sealed partial class ReservationReconciliation
{
    [LoggerMessage(Level = LogLevel.Information, Message = "loaded {Count} reservations")]
    private partial void LogLoaded(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "reservation {Reservation} starts instance {Instance} of {Algorithm} {Hash}")]
    private partial void LogStarted(string reservation, string instance, string algorithm, string hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "reservation {Reservation} takes over instance {Instance}")]
    private partial void LogReserved(string reservation, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "reservation {Reservation} releases instance {Instance}: {Reason}")]
    private partial void LogReleased(string reservation, string instance, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "reservation {Reservation} retires instance {Instance}: {Reason}")]
    private partial void LogRetired(string reservation, string instance, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "reconciling reservations failed; retrying shortly")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "writing reservation call counters failed; they go with the next write")]
    private partial void LogFlushFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reservation {Reservation} cannot start build {Hash}: the catalog does not know how")]
    private partial void LogNoLaunch(string reservation, string hash);
}
