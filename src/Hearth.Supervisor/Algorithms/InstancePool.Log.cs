using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Algorithms;

internal sealed partial class InstancePool
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of {Algorithm} for {Account} starting on {Worker}")]
    private partial void LogStarting(string instance, string algorithm, string account, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} is warm after {LoadMs} ms")]
    private partial void LogReady(string instance, double loadMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping instance {Instance}: {Reason}")]
    private partial void LogStopping(string instance, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of {Algorithm} for {Account} is gone: {Reason}")]
    private partial void LogGone(string instance, string algorithm, string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} of {Algorithm} for {Account} failed: {Reason}")]
    private partial void LogFailed(string instance, string algorithm, string account, string reason);
}
