using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// A submitted command with its reservations, priority and <c>cpus</c> subjobs. Its state follows its subjobs
/// (see <see cref="Refresh"/>) and never leaves a terminal state.
/// </summary>
public sealed class Job
{
    private readonly List<Subjob> _subjobs = [];
    private readonly SortedSet<long> _waiting = [];
    private readonly List<JobChangeRecord> _changes = [];

    internal Job(
        long id, string name, IReadOnlyList<string> command, ResourceRequest resources, int priority, string? workingDirectory, DateTimeOffset submittedAt,
        string? submittedBy, JobControls? controls = null, Requirement? requirements = null)
    {
        Controls = controls ?? JobControls.None;
        Requirements = requirements;
        Id = id;
        Name = name;
        Command = command;
        Resources = resources;
        Priority = priority;
        WorkingDirectory = workingDirectory;
        SubmittedAt = submittedAt;
        SubmittedBy = submittedBy;
    }

    public long Id { get; }

    public string Name { get; }

    public IReadOnlyList<string> Command { get; }

    public ResourceRequest Resources { get; private set; }

    public int Priority { get; private set; }

    /// <summary>Where its subjobs may run; null for anywhere.</summary>
    public Requirement? Requirements { get; private set; }

    /// <summary>Changes made after submission, oldest first.</summary>
    public IReadOnlyList<JobChangeRecord> Changes => _changes;

    public string? WorkingDirectory { get; }

    public DateTimeOffset SubmittedAt { get; }

    /// <summary>The account whose key submitted the job; null for an admin key.</summary>
    public string? SubmittedBy { get; }

    /// <summary>
    /// Submitted by an account other than admin: it runs only on workers that isolate accounts' jobs (or whose admin
    /// allowed them unisolated), as the account's own identity.
    /// </summary>
    public bool IsAccountJob => SubmittedBy is not null && !string.Equals(SubmittedBy, JobAccess.AdminSubmitter, StringComparison.OrdinalIgnoreCase);

    /// <summary>Automatic retries and the jobs it depends on, fixed at submission.</summary>
    public JobControls Controls { get; }

    /// <summary>The jobs it depends on that have not completed yet; while any remain its subjobs are not queued.</summary>
    public IReadOnlyCollection<long> Waiting => _waiting;

    public WorkState State { get; private set; } = WorkState.Pending;

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public long Version { get; internal set; }

    public IReadOnlyList<Subjob> Subjobs => _subjobs;

    /// <summary>The work items of an agenda job, whose states make the job's; null for a job of one command.</summary>
    internal Frames.Agenda? Agenda { get; set; }

    internal Subjob AddSubjob(long sequence)
    {
        var subjob = new Subjob(this, _subjobs.Count, sequence);
        _subjobs.Add(subjob);
        return subjob;
    }

    /// <summary>Sets what it still waits for: at submission, restore and a retry by hand.</summary>
    internal void WaitFor(IEnumerable<long> jobs)
    {
        _waiting.Clear();
        _waiting.UnionWith(jobs);
    }

    /// <summary>A job it depends on completed; true when that was the last one it waited for.</summary>
    internal bool Satisfied(long dependency) => _waiting.Remove(dependency) && _waiting.Count == 0;

    /// <summary>
    /// Takes an ended job back after some of its subjobs were reopened for a retry by hand; its finish is cleared.
    /// Refuses a job whose subjobs have all ended.
    /// </summary>
    internal void Reopen(DateTimeOffset at)
    {
        var next = Derive().State;
        if (next.IsTerminal())
        {
            throw new IllegalTransitionException($"job {Id} has no reopened subjob and stays {State.ToText()}");
        }

        if (!State.IsTerminal())
        {
            Refresh(at);
            return;
        }

        State = next;
        FinishedAt = null;
    }

    /// <summary>
    /// Derives the state from the subjobs: running while any runs or has run with others still to go; when all
    /// have ended, killed if any was killed, else failed if any failed, else complete. The job started when its
    /// first subjob's process did. True when the state or the start changed.
    /// </summary>
    public bool Refresh(DateTimeOffset at)
    {
        var (next, firstStart) = Derive();
        var started = false;
        if (StartedAt is null && firstStart is { } first)
        {
            StartedAt = first;
            started = true;
        }

        if (next == State)
        {
            return started;
        }

        if (State.IsTerminal())
        {
            throw new IllegalTransitionException($"job {Id} is {State.ToText()} and cannot become {next.ToText()}");
        }

        State = next;
        if (next.IsTerminal())
        {
            FinishedAt = at;
        }

        return true;
    }

    /// <summary>The state and the earliest subjob start, in one pass: it runs on every subjob event, so it allocates nothing.</summary>
    private (WorkState State, DateTimeOffset? FirstStart) Derive()
    {
        bool anyPending = false, anyRunning = false, anyKilled = false, anyFailed = false, anyEnded = false;
        DateTimeOffset? firstStart = null;
        foreach (var s in _subjobs)
        {
            if (s.StartedAt is { } startedAt && (firstStart is null || startedAt < firstStart))
            {
                firstStart = startedAt;
            }

            switch (s.State)
            {
                case WorkState.Pending:
                    anyPending = true;
                    break;
                case WorkState.Running:
                    anyRunning = true;
                    break;
                case WorkState.Killed:
                    anyKilled = anyEnded = true;
                    break;
                case WorkState.Failed:
                    anyFailed = anyEnded = true;
                    break;
                default:
                    anyEnded = true;
                    break;
            }
        }

        if (Agenda is { } agenda)
        {
            return (agenda.Derive(anyRunning, _waiting.Count > 0), firstStart);
        }

        var state = anyRunning || (anyPending && anyEnded) ? WorkState.Running
            : anyPending ? (_waiting.Count > 0 ? WorkState.Blocked : WorkState.Pending)
            : anyKilled ? WorkState.Killed
            : anyFailed ? WorkState.Failed
            : WorkState.Complete;
        return (state, firstStart);
    }

    internal JobRecord ToRecord() => new(
        Id, Name, Command, Resources.Text, Priority, _subjobs.Count, WorkingDirectory, State.ToText(), SubmittedAt, StartedAt, FinishedAt, Version, SubmittedBy,
        Controls.ToRecord(_waiting), Requirements?.Text, [.. _changes]);

    /// <summary>A new priority, for pending and running jobs alike.</summary>
    internal void ChangePriority(int priority, string by, DateTimeOffset at)
    {
        GuardUnfinished("priority");
        Record("priority", Priority.ToString(System.Globalization.CultureInfo.InvariantCulture), priority.ToString(System.Globalization.CultureInfo.InvariantCulture), by, at);
        Priority = priority;
    }

    /// <summary>New reservations, only while no subjob has started: running work keeps what it was booked with.</summary>
    internal void ChangeResources(ResourceRequest resources, string by, DateTimeOffset at)
    {
        GuardPending("reservations");
        Record("reservations", Resources.Text, resources.Text, by, at);
        Resources = resources;
    }

    /// <summary>New requirements, only while no subjob has started.</summary>
    internal void ChangeRequirements(Requirement? requirements, string by, DateTimeOffset at)
    {
        GuardPending("requirements");
        Record("requirements", Requirements?.Text ?? "", requirements?.Text ?? "", by, at);
        Requirements = requirements;
    }

    private void GuardUnfinished(string field)
    {
        if (State.IsTerminal())
        {
            throw new IllegalTransitionException($"job {Id} is {State.ToText()}; its {field} can no longer change");
        }
    }

    private void GuardPending(string field)
    {
        if (State != WorkState.Pending || _subjobs.Any(s => s.State != WorkState.Pending))
        {
            throw new IllegalTransitionException(
                $"job {Id} is {State.ToText()}; its {field} can change only while it is pending (no subjob started), and only its priority after that");
        }
    }

    /// <summary>Notes an action taken on the job in its history, e.g. a frame action.</summary>
    internal void Note(string field, string from, string to, string by, DateTimeOffset at) => Record(field, from, to, by, at);

    private void Record(string field, string from, string to, string by, DateTimeOffset at) => _changes.Add(new JobChangeRecord(field, from, to, by, at));

    internal void Restore(JobRecord record)
    {
        _changes.AddRange(record.Changes ?? []);
        State = WorkStates.Parse(record.State);
        StartedAt = record.StartedAt;
        FinishedAt = record.FinishedAt;
        Version = record.Version;
        WaitFor(record.Controls?.Waiting ?? []);
    }
}
