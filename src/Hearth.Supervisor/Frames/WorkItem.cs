using Hearth.Core.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Frames;

/// <summary>
/// One work item of an agenda job: some frames, run by one process per attempt on one of the job's subjobs. It changes
/// state only through the methods below, each of which refuses a transition its state does not allow.
/// </summary>
public sealed class WorkItem
{
    private List<ItemAttemptRecord>? _attempts;

    internal WorkItem(long jobId, int index, FrameChunk chunk)
    {
        JobId = jobId;
        Index = index;
        Chunk = chunk;
    }

    public long JobId { get; }

    /// <summary>Its place in hand-out order.</summary>
    public int Index { get; }

    public FrameChunk Chunk { get; }

    public ItemState State { get; private set; } = ItemState.Pending;

    /// <summary>How many attempts have been handed out.</summary>
    public int Attempt { get; private set; }

    /// <summary>The subjob running (or that ran) its latest attempt, and that subjob's attempt number, under which the output is kept.</summary>
    public int? Subjob { get; private set; }

    public int? Run { get; private set; }

    public string? Host { get; private set; }

    public int? ExitCode { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public int Retried { get; private set; }

    public int Requeues { get; private set; }

    /// <summary>The host its last attempt failed or was lost on; another is preferred.</summary>
    public string? AvoidHost { get; private set; }

    /// <summary>When a delayed retry may be handed out; null for at once.</summary>
    public DateTimeOffset? RetryAt { get; private set; }

    /// <summary>A frame action asked its running process to stop; it ends killed.</summary>
    public bool KillRequested { get; private set; }

    public IReadOnlyList<ItemAttemptRecord> PastAttempts => _attempts ?? [];

    public long Version { get; internal set; }

    public string AssignmentOf(long jobId) => $"{jobId}.{Subjob}.{Run}";

    /// <summary>Handed to a subjob on <paramref name="host"/>, whose attempt <paramref name="run"/> runs it.</summary>
    public void Start(int subjob, int run, string host, DateTimeOffset at)
    {
        Require(ItemState.Pending, "start");
        State = ItemState.Running;
        Attempt++;
        Subjob = subjob;
        Run = run;
        Host = host;
        ExitCode = null;
        Error = null;
        StartedAt = at;
        FinishedAt = null;
        RetryAt = null;
        KillRequested = false;
    }

    public void RequestKill()
    {
        Require(ItemState.Running, "kill");
        KillRequested = true;
    }

    /// <summary>
    /// Its process ended: complete on exit code 0; killed if a kill was asked for; otherwise failed, or back to pending
    /// when retries are left (after <paramref name="delay"/>, away from this host). True when it ended for good.
    /// </summary>
    public bool End(int exitCode, string? error, bool killed, int retries, TimeSpan delay, DateTimeOffset at)
    {
        Require(ItemState.Running, "end");
        ExitCode = error is null ? exitCode : null;
        Error = error;
        FinishedAt = at;
        if (killed || KillRequested)
        {
            State = ItemState.Killed;
            return true;
        }

        if (error is null && exitCode == 0)
        {
            State = ItemState.Complete;
            return true;
        }

        if (Retried < retries)
        {
            Remember("failed", at);
            Retried++;
            AvoidHost = Host;
            RetryAt = delay > TimeSpan.Zero ? at + delay : null;
            State = ItemState.Pending;
            return false;
        }

        State = ItemState.Failed;
        return true;
    }

    /// <summary>Its worker was lost, or its subjob put back in the queue: pending again, unless it was requeued <paramref name="maxRequeues"/> times already.</summary>
    public void ReturnLost(string reason, int maxRequeues, DateTimeOffset at)
    {
        Require(ItemState.Running, "requeue");
        Remember("lost", at, reason);
        if (Requeues >= maxRequeues)
        {
            State = ItemState.Failed;
            Error = $"{reason}, and it was already requeued {Requeues} time(s), the most allowed";
            FinishedAt = at;
            return;
        }

        Requeues++;
        AvoidHost = Host;
        State = ItemState.Pending;
    }

    /// <summary>Marked complete by hand without running, as a farm does for frames made elsewhere.</summary>
    public void CompleteByHand(DateTimeOffset at)
    {
        if (State is ItemState.Running or ItemState.Complete)
        {
            throw Illegal("complete", "pending, failed, blocked or killed");
        }

        State = ItemState.Complete;
        FinishedAt = at;
        Error = null;
        RetryAt = null;
    }

    public void Block()
    {
        Require(ItemState.Pending, "block");
        State = ItemState.Blocked;
    }

    public void Unblock()
    {
        Require(ItemState.Blocked, "unblock");
        State = ItemState.Pending;
    }

    /// <summary>Runs again by hand, with a fresh budget of retries and requeues.</summary>
    public void Reopen(DateTimeOffset at)
    {
        if (!State.IsEnded())
        {
            throw Illegal("retry", "complete, failed or killed");
        }

        Remember(State.ToText(), FinishedAt ?? at);
        State = ItemState.Pending;
        AvoidHost = Host;
        Retried = 0;
        Requeues = 0;
        RetryAt = null;
        FinishedAt = null;
    }

    /// <summary>Ends without running: killed while pending or blocked.</summary>
    public void Cancel(DateTimeOffset at)
    {
        if (State is not (ItemState.Pending or ItemState.Blocked))
        {
            throw Illegal("kill", "pending or blocked");
        }

        State = ItemState.Killed;
        FinishedAt = at;
    }

    /// <summary>Fails without running, e.g. when the frame it waits for failed in another job.</summary>
    public void Fail(string error, DateTimeOffset at)
    {
        Require(ItemState.Pending, "fail");
        State = ItemState.Failed;
        Error = error;
        FinishedAt = at;
    }

    internal WorkItemRecord ToRecord() => new(
        JobId, Index, Chunk.Name, Chunk.First, Chunk.Last, Chunk.RangeText, State.ToText(), Attempt, Subjob, Run, Host, ExitCode, Error,
        StartedAt, FinishedAt, Version,
        Retried == 0 && Requeues == 0 && AvoidHost is null && RetryAt is null && _attempts is null
            ? null
            : new WorkItemTriesRecord(Retried, Requeues, AvoidHost, RetryAt, [.. PastAttempts]));

    internal void Restore(WorkItemRecord record)
    {
        State = ItemStates.Parse(record.State);
        Attempt = record.Attempt;
        Subjob = record.Subjob;
        Run = record.Run;
        Host = record.Host;
        ExitCode = record.ExitCode;
        Error = record.Error;
        StartedAt = record.StartedAt;
        FinishedAt = record.FinishedAt;
        Version = record.Version;
        Retried = record.Tries?.Retried ?? 0;
        Requeues = record.Tries?.Requeues ?? 0;
        AvoidHost = record.Tries?.AvoidHost;
        RetryAt = record.Tries?.RetryAt;
        _attempts = record.Tries?.Attempts is { Count: > 0 } attempts ? [.. attempts] : null;
    }

    private void Remember(string outcome, DateTimeOffset at, string? error = null)
    {
        if (Attempt > 0 && (_attempts is null || _attempts[^1].Attempt != Attempt))
        {
            (_attempts ??= []).Add(new ItemAttemptRecord(Attempt, outcome, Subjob, Run, Host, ExitCode, error ?? Error, StartedAt, at));
        }
    }

    private void Require(ItemState expected, string action)
    {
        if (State != expected)
        {
            throw Illegal(action, expected.ToText());
        }
    }

    private IllegalTransitionException Illegal(string action, string allowed) =>
        new($"cannot {action} item {Chunk.Name} of job {JobId}: it is {State.ToText()}, not {allowed}");
}
