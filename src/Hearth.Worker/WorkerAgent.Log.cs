using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

public sealed partial class WorkerAgent
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} registered with {Endpoint}")]
    private partial void LogRegistered(string worker, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} lost its connection: {Reason}; reconnecting")]
    private partial void LogConnectionLost(string worker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} got an unexpected {Message} message")]
    private partial void LogUnexpectedMessage(string worker, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} could not start: {Error}")]
    private partial void LogStartFailed(string assignment, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Killing subjob attempt {Assignment} (process group {Pid})")]
    private partial void LogKilling(string assignment, int pid);
}
