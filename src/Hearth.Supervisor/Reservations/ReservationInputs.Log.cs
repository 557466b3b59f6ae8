using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Reservations;

internal sealed partial class ReservationInputs
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "reloading the accounts and algorithms of reservations failed; retrying shortly")]
    private partial void LogReloadFailed(Exception exception);
}
