using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

public sealed partial class Scheduler
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Workers} workers and {Jobs} unfinished jobs from the store")]
    private partial void LogRestored(int workers, int jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} registered, reporting {Processes} processes")]
    internal static partial void LogWorkerConnected(ILogger logger, string worker, int processes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} left")]
    internal static partial void LogWorkerLeft(ILogger logger, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} sent an unexpected {Message} message")]
    internal static partial void LogUnexpectedMessage(ILogger logger, string worker, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Command} failed")]
    private partial void LogCommandFailed(string command, Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The scheduling loop failed again after its restarts (or the store belongs to another supervisor); the supervisor stops")]
    private partial void LogLoopFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store cannot take the scheduling loop's work: {Reason}; requests that need it are answered 503 (507 for a full disk) and the loop reloads the store until it answers")]
    private partial void LogStoreTrouble(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store answers again after {Seconds:0.0} s: the scheduling loop reloaded it and serves, and workers register again")]
    private partial void LogStoreBack(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduling loop failed; it restarts from the store (restart {Restart} of at most {Max} in {WindowSeconds} s), and workers register again")]
    private partial void LogLoopRestarting(Exception error, int restart, int max, double windowSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store refused a cycle's batch for the data of one of its {Commands} requests, and wrote none of it; the loop reloads from the store and runs them again one per cycle, so that one fails alone")]
    private partial void LogBatchRefused(Exception error, int commands);
}
