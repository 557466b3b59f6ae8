using Hearth.Core.Placement;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// One of a job's <c>cpus</c> parallel pieces. It changes state only through the methods below, each of which
/// refuses a transition its state does not allow.
/// </summary>
public sealed class Subjob
{
    internal Subjob(Job job, int index, long sequence)
    {
        Job = job;
        Index = index;
        Sequence = sequence;
    }

    public Job Job { get; }

    public int Index { get; }

    /// <summary>The queue position; kept when the subjob returns to pending.</summary>
    public long Sequence { get; }

    public WorkState State { get; private set; } = WorkState.Pending;

    /// <summary>How many times it has been dispatched; each dispatch is a new attempt.</summary>
    public int Attempt { get; private set; }

    public string? Host { get; private set; }

    public Allocation Allocation { get; private set; } = Allocation.Empty;

    public bool KillRequested { get; private set; }

    public long? Pid { get; private set; }

    public int? ExitCode { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>The stored version; 0 until first stored.</summary>
    public long Version { get; internal set; }

    /// <summary>The placement engine's ID for this subjob.</summary>
    public string WorkId => $"{Job.Id}.{Index}";

    /// <summary>Names this attempt on the wire, so a report from an older attempt is never mistaken for this one.</summary>
    public string AssignmentId => $"{Job.Id}.{Index}.{Attempt}";

    public void Dispatch(string host, Allocation allocation)
    {
        Require(WorkState.Pending, "dispatch");
        State = WorkState.Running;
        Attempt++;
        Host = host;
        Allocation = allocation;
        Pid = null;
        ExitCode = null;
        Error = null;
        StartedAt = null;
    }

    public void MarkStarted(long pid, DateTimeOffset at)
    {
        Require(WorkState.Running, "mark started");
        Pid = pid;
        StartedAt ??= at;
    }

    public void Grow(Allocation allocation)
    {
        Require(WorkState.Running, "grow");
        Allocation = allocation;
    }

    /// <summary>Asks a running subjob to stop; it becomes killed when its process is gone.</summary>
    public void RequestKill()
    {
        Require(WorkState.Running, "request a kill of");
        KillRequested = true;
    }

    /// <summary>The process ended: complete on exit code 0, killed if a kill was asked for, failed otherwise.</summary>
    public void Finish(int exitCode, string? error, DateTimeOffset at)
    {
        Require(WorkState.Running, "finish");
        State = KillRequested ? WorkState.Killed : error is null && exitCode == 0 ? WorkState.Complete : WorkState.Failed;
        ExitCode = error is null ? exitCode : null;
        Error = error;
        FinishedAt = at;
    }

    /// <summary>Back to pending at its old queue position, after its worker was lost.</summary>
    public void Requeue()
    {
        Require(WorkState.Running, "requeue");
        State = WorkState.Pending;
        Host = null;
        Allocation = Allocation.Empty;
        Pid = null;
        StartedAt = null;
    }

    /// <summary>Ends a subjob without a process: killed while pending, or lost with a kill already asked for.</summary>
    public void Cancel(DateTimeOffset at)
    {
        if (State.IsTerminal())
        {
            throw new IllegalTransitionException($"subjob {WorkId} cannot be killed: it is already {State.ToText()}");
        }

        State = WorkState.Killed;
        FinishedAt = at;
    }

    /// <summary>Refuses a pending subjob that can no longer be placed, e.g. its global resource is gone.</summary>
    public void Reject(string error, DateTimeOffset at)
    {
        Require(WorkState.Pending, "reject");
        State = WorkState.Failed;
        Error = error;
        FinishedAt = at;
    }

    internal SubjobRecord ToRecord() => new(
        Job.Id, Index, Sequence, State.ToText(), Attempt, Host, Allocation.ToDictionary(), KillRequested, Pid, ExitCode, Error,
        StartedAt, FinishedAt, Version);

    internal void Restore(SubjobRecord record, Allocation allocation)
    {
        State = WorkStates.Parse(record.State);
        Attempt = record.Attempt;
        Host = record.Host;
        Allocation = allocation;
        KillRequested = record.KillRequested;
        Pid = record.Pid;
        ExitCode = record.ExitCode;
        Error = record.Error;
        StartedAt = record.StartedAt;
        FinishedAt = record.FinishedAt;
        Version = record.Version;
    }

    private void Require(WorkState expected, string action)
    {
        if (State != expected)
        {
            throw new IllegalTransitionException($"cannot {action} subjob {WorkId}: it is {State.ToText()}, not {expected.ToText()}");
        }
    }
}
