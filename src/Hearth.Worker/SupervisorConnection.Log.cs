using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

internal sealed partial class SupervisorConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} registered with {Endpoint}")]
    private partial void LogRegistered(string worker, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} lost its connection: {Reason}; reconnecting")]
    private partial void LogConnectionLost(string worker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} got an unexpected {Message} message")]
    private partial void LogUnexpectedMessage(string worker, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} was refused: {Reason}; retrying")]
    private partial void LogNameTaken(string worker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} has not reached its supervisor for its heartbeat timeout ({TimeoutSeconds} s): stopping {Subjobs} subjob(s) and {Instances} instance(s) before the supervisor runs them elsewhere")]
    private partial void LogFenced(string worker, int timeoutSeconds, int subjobs, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} stopped its {Subjobs} subjob(s); reconnecting")]
    private partial void LogFenceDone(string worker, int subjobs);
}
