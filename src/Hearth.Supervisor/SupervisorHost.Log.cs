using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor;

public sealed partial class SupervisorHost
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Supervisor {Version} serving the API on {Url} and workers on {WorkerUrl}; store: {Store}")]
    private static partial void LogStarted(ILogger logger, string version, Uri url, Uri workerUrl, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Supervisor stopping: no new work is taken, queued commands are finished and committed")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Supervisor stopped; the store holds its last committed cycle")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Supervisor lost its claim on the store (its session ended, and another supervisor took the lock or it could not be taken back before the workers' fencing needs it); stopping so two never run the same work at once")]
    private static partial void LogClaimLost(ILogger logger);

    private void LogClaimLost() => LogClaimLost(Logger);

    private void LogStarted(string version, Uri url, Uri workerUrl, string store) => LogStarted(Logger, version, url, workerUrl, store);

    private void LogStopping() => LogStopping(Logger);

    private void LogStopped() => LogStopped(Logger);
}
