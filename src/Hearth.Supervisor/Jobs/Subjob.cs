using Hearth.Core.Placement;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// One of a job's <c>cpus</c> parallel pieces. It changes state only through the methods below, each of which
/// refuses a transition its state does not allow.
/// </summary>
public sealed class Subjob
{
    private readonly List<AttemptRecord> _attempts = [];

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

    /// <summary>How many times its worker was lost under it since it was last retried by hand.</summary>
    public int Requeues { get; private set; }

    /// <summary>How many of its job's automatic retries it has used.</summary>
    public int Retried { get; private set; }

    /// <summary>The host where its last attempt failed or was lost; placement prefers any other that fits.</summary>
    public string? AvoidHost { get; private set; }

    /// <summary>When a delayed retry may be placed; null when it may be placed at once.</summary>
    public DateTimeOffset? RetryAt { get; private set; }

    /// <summary>Its ended attempts when it ran again, oldest first.</summary>
    public IReadOnlyList<AttemptRecord> PastAttempts => _attempts;

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
        AvoidHost = null;
        RetryAt = null;
        Host = host;
        Allocation = allocation;
        Pid = null;
        ExitCode = null;
        Error = null;
        StartedAt = null;
    }

    /// <summary>An agenda subjob moves on to its next item: a new attempt, with a process of its own, on the same host and allocation.</summary>
    public void NextItem()
    {
        Require(WorkState.Running, "hand the next item to");
        if (KillRequested)
        {
            throw new IllegalTransitionException($"cannot hand the next item to subjob {WorkId}: a kill was asked for");
        }

        Attempt++;
        Pid = null;
        ExitCode = null;
        Error = null;
        StartedAt = null;
    }

    /// <summary>An agenda subjob that had run out of items is queued again because items are pending once more.</summary>
    public void Resume()
    {
        if (!State.IsTerminal())
        {
            throw new IllegalTransitionException($"cannot resume subjob {WorkId}: it is {State.ToText()}; only an ended agenda subjob is resumed");
        }

        State = WorkState.Pending;
        Host = null;
        Allocation = Allocation.Empty;
        Pid = null;
        ExitCode = null;
        Error = null;
        StartedAt = null;
        FinishedAt = null;
        RetryAt = null;
        KillRequested = false;
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

    /// <summary>
    /// Its process failed and its job allows another try: back to pending at its old queue position, to be placed
    /// from <paramref name="retryAt"/> on, away from the host it failed on if another fits.
    /// </summary>
    public void RetryAfterFailure(int exitCode, string? error, DateTimeOffset at, DateTimeOffset retryAt)
    {
        Require(WorkState.Running, "retry");
        if (KillRequested)
        {
            throw new IllegalTransitionException($"cannot retry subjob {WorkId}: a kill was asked for");
        }

        Remember(WorkStates.ToText(WorkState.Failed), error is null ? exitCode : null, error, at);
        Retried++;
        AvoidHost = Host;
        RetryAt = retryAt > at ? retryAt : null;
        Requeue();
    }

    /// <summary>
    /// Its worker was lost under it: back to pending, away from that host, unless it has been requeued
    /// <paramref name="maxRequeues"/> times already, when it fails with the reason instead. True when requeued.
    /// </summary>
    public bool RequeueAfterLoss(int maxRequeues, DateTimeOffset at)
    {
        Require(WorkState.Running, "requeue");
        var host = Host;
        var reason = $"its worker {host} was lost";
        Remember("lost", null, reason, at);
        if (Requeues >= maxRequeues)
        {
            State = WorkState.Failed;
            Error = $"{reason}, and it was already requeued {Requeues} time(s) after worker loss, the most allowed";
            FinishedAt = at;
            return false;
        }

        Requeues++;
        AvoidHost = host;
        Requeue();
        return true;
    }

    /// <summary>A failed or killed subjob runs again, by hand: a fresh budget of retries and requeues, away from where it last ran.</summary>
    public void Reopen(DateTimeOffset at)
    {
        if (State is not (WorkState.Failed or WorkState.Killed))
        {
            throw new IllegalTransitionException($"cannot retry subjob {WorkId}: it is {State.ToText()}; only failed or killed subjobs are retried");
        }

        Remember(State.ToText(), ExitCode, Error, FinishedAt ?? at);
        State = WorkState.Pending;
        AvoidHost = Host;
        Host = null;
        Allocation = Allocation.Empty;
        KillRequested = false;
        Pid = null;
        ExitCode = null;
        Error = null;
        StartedAt = null;
        FinishedAt = null;
        Requeues = 0;
        Retried = 0;
        RetryAt = null;
    }

    /// <summary>Back to pending at its old queue position, e.g. after a purge; the attempt is kept in its history when <paramref name="at"/> is given.</summary>
    public void Requeue(DateTimeOffset? at = null)
    {
        Require(WorkState.Running, "requeue");
        if (at is { } when)
        {
            Remember("requeued", null, null, when);
        }

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
        StartedAt, FinishedAt, Version,
        Requeues == 0 && Retried == 0 && AvoidHost is null && RetryAt is null && _attempts.Count == 0
            ? null
            : new SubjobTriesRecord(Requeues, Retried, AvoidHost, RetryAt, [.. _attempts]));

    /// <summary>Keeps the attempt that just ended, once; an attempt that never started a process is kept too.</summary>
    private void Remember(string outcome, int? exitCode, string? error, DateTimeOffset at)
    {
        if (Attempt > 0 && (_attempts.Count == 0 || _attempts[^1].Attempt != Attempt))
        {
            _attempts.Add(new AttemptRecord(Attempt, outcome, Host, exitCode, error, StartedAt, at));
        }
    }

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
        Requeues = record.Tries?.Requeues ?? 0;
        Retried = record.Tries?.Retried ?? 0;
        AvoidHost = record.Tries?.AvoidHost;
        RetryAt = record.Tries?.RetryAt;
        _attempts.Clear();
        _attempts.AddRange(record.Tries?.Attempts ?? []);
    }

    private void Require(WorkState expected, string action)
    {
        if (State != expected)
        {
            throw new IllegalTransitionException($"cannot {action} subjob {WorkId}: it is {State.ToText()}, not {expected.ToText()}");
        }
    }
}
