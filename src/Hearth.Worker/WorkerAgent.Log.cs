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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} was refused: {Reason}; retrying")]
    private partial void LogNameTaken(string worker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} killed subjob attempt {Assignment} (process group {Group}, {Count} process(es)), left running by an earlier worker process")]
    private partial void LogLeftoverKilled(string worker, string assignment, int group, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker} could not end subjob attempt {Assignment} (process group {Group}) left by an earlier worker process; it still runs")]
    private partial void LogLeftoverSurvived(string worker, string assignment, int group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} runs without a record in the run directory ({Error}): should this worker die, a restarted worker will not find it")]
    private partial void LogRecordFailed(string assignment, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} has not reached its supervisor for its heartbeat timeout ({TimeoutSeconds} s): stopping {Subjobs} subjob(s) and {Instances} instance(s) before the supervisor runs them elsewhere")]
    private partial void LogFenced(string worker, int timeoutSeconds, int subjobs, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} stopped its {Subjobs} subjob(s); reconnecting")]
    private partial void LogFenceDone(string worker, int subjobs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} arrived after this worker fenced; not started, the supervisor requeues it")]
    private partial void LogNotStartedWhileFenced(string assignment);
}
