using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

internal sealed partial class Outbox
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Output waiting for the supervisor passed {LimitBytes} bytes: dropping the oldest pending output of subjob attempt {Assignment}")]
    private partial void LogOutputDropping(string assignment, long limitBytes);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dropped {Bytes} bytes of subjob attempt {Assignment}'s output while waiting for the supervisor; its log marks the gap")]
    private partial void LogOutputDropped(string assignment, long bytes);
}
