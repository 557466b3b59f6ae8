using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

internal sealed partial class SubjobRunner
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} could not start: {Error}")]
    private partial void LogStartFailed(string assignment, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Killing subjob attempt {Assignment} (process group {Pid})")]
    private partial void LogKilling(string assignment, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} killed subjob attempt {Assignment} (process group {Group}, {Count} process(es)), left running by an earlier worker process")]
    private partial void LogLeftoverKilled(string worker, string assignment, int group, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker} could not end subjob attempt {Assignment} (process group {Group}) left by an earlier worker process; it still runs")]
    private partial void LogLeftoverSurvived(string worker, string assignment, int group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} runs without a record in the run directory ({Error}): should this worker die, a restarted worker will not find it")]
    private partial void LogRecordFailed(string assignment, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subjob attempt {Assignment} arrived after this worker fenced; not started, the supervisor requeues it")]
    private partial void LogNotStartedWhileFenced(string assignment);
}
