namespace Hearth.Supervisor.Storage;

/// <summary>
/// The writes of one scheduling cycle, committed in one transaction. Records with <c>Version</c> 0 are
/// inserted; others are updates that expect that stored version and leave it one higher.
/// </summary>
public sealed class ChangeSet
{
    public List<JobRecord> Jobs { get; } = [];

    public List<SubjobRecord> Subjobs { get; } = [];

    public List<AllocationChangeRecord> AllocationChanges { get; } = [];

    public List<WorkerRecord> Workers { get; } = [];

    /// <summary>Workers an admin removed: deleted if still at the version given.</summary>
    public List<WorkerRecord> RemovedWorkers { get; } = [];

    public List<LogChunkRecord> Logs { get; } = [];

    /// <summary>Agendas of new agenda jobs: inserted only.</summary>
    public List<AgendaRecord> Agendas { get; } = [];

    public List<WorkItemRecord> WorkItems { get; } = [];

    /// <summary>Settings written (or, with a null value, deleted) by name; last write wins.</summary>
    public List<SettingRecord> Settings { get; } = [];

    /// <summary>Accounts' limits and shares, written whole by name; last write wins.</summary>
    public List<AccountLimitRecord> AccountLimits { get; } = [];

    public bool IsEmpty => Jobs.Count == 0 && Subjobs.Count == 0 && AllocationChanges.Count == 0 && Workers.Count == 0 && RemovedWorkers.Count == 0 && Logs.Count == 0
        && Settings.Count == 0 && AccountLimits.Count == 0
        && Agendas.Count == 0 && WorkItems.Count == 0;
}
