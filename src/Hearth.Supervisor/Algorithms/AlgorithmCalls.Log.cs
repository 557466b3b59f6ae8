using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Algorithms;

internal sealed partial class AlgorithmCalls
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Call {RequestId} to {Algorithm} by {Account} (output=void) ended {Status} after {DurationMs} ms {Message}")]
    private partial void LogDetachedCallEnded(string requestId, string algorithm, string account, string status, double durationMs, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {RequestId} to {Algorithm} by {Account} failed: {Message}")]
    private partial void LogCallFailed(string requestId, string algorithm, string account, string message);
}
