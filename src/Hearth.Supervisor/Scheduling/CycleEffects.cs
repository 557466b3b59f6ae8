using Hearth.Protocol.Workers;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// What one scheduling cycle did: the entities it changed (written in one transaction), the messages for
/// workers, the jobs that ended and what it did to instance work (all released only after that transaction commits).
/// </summary>
internal sealed class CycleEffects
{
    private readonly HashSet<Job> _jobs = [];
    private readonly HashSet<Subjob> _subjobs = [];
    private readonly HashSet<WorkerEntry> _workers = [];
    private readonly List<WorkerEntry> _removedWorkers = [];
    private readonly List<AllocationChangeRecord> _changes = [];
    private readonly List<LogChunkRecord> _logs = [];
    private readonly List<SettingRecord> _settings = [];
    private readonly List<AccountLimitRecord> _accountLimits = [];
    private readonly List<AgendaRecord> _agendas = [];
    private readonly HashSet<WorkItem> _items = [];

    public List<(WorkerSession Session, SupervisorMessage Message)> Messages { get; } = [];

    public List<WorkerSession> SessionsToClose { get; } = [];

    public List<long> EndedJobs { get; } = [];

    /// <summary>What the cycle did to instance work, in order, for the warm pool.</summary>
    public List<InstanceEffect> Instances { get; } = [];

    /// <summary>True when a worker changed, so its session may have: the published sessions are checked then.</summary>
    public bool WorkersChanged { get; private set; }

    /// <summary>True when something visible changed: the cluster view is rebuilt only then.</summary>
    public bool ViewChanged { get; set; }

    public bool HasWrites => _jobs.Count + _subjobs.Count + _workers.Count + _removedWorkers.Count + _changes.Count + _logs.Count + _settings.Count + _agendas.Count + _items.Count
        + _accountLimits.Count > 0;

    public void Touch(Job job) => _jobs.Add(job);

    public void Touch(Subjob subjob)
    {
        _subjobs.Add(subjob);
        ViewChanged = true;
    }

    public void Touch(WorkerEntry worker)
    {
        _workers.Add(worker);
        WorkersChanged = true;
        ViewChanged = true;
    }

    /// <summary>The worker is forgotten: its row is deleted (if it was ever written) rather than updated.</summary>
    public void Remove(WorkerEntry worker)
    {
        _workers.Remove(worker);
        if (worker.Version > 0)
        {
            _removedWorkers.Add(worker);
        }

        WorkersChanged = true;
        ViewChanged = true;
    }

    public void Record(AgendaRecord agenda) => _agendas.Add(agenda);

    public void Touch(WorkItem item)
    {
        _items.Add(item);
        ViewChanged = true;
    }

    public void Record(AllocationChangeRecord change) => _changes.Add(change);

    public void Record(LogChunkRecord chunk) => _logs.Add(chunk);

    /// <summary>A run-time setting to store; written in order, so the last one for a name wins.</summary>
    public void Setting(SettingRecord setting) => _settings.Add(setting);

    /// <summary>An account's limits and shares to store, whole; the last one for a name wins.</summary>
    public void Record(AccountLimitRecord limits) => _accountLimits.Add(limits);

    public void Send(WorkerSession? session, SupervisorMessage message)
    {
        if (session is not null)
        {
            Messages.Add((session, message));
        }
    }

    public ChangeSet ToChangeSet()
    {
        var set = new ChangeSet();
        set.Jobs.AddRange(_jobs.OrderBy(j => j.Id).Select(j => j.ToRecord()));
        set.Subjobs.AddRange(_subjobs.OrderBy(s => s.Job.Id).ThenBy(s => s.Index).Select(s => s.ToRecord()));
        set.AllocationChanges.AddRange(_changes);
        set.Workers.AddRange(_workers.Select(w => w.ToRecord()));
        set.RemovedWorkers.AddRange(_removedWorkers.Select(w => w.ToRecord()));
        set.Logs.AddRange(_logs);
        set.Settings.AddRange(_settings);
        set.AccountLimits.AddRange(_accountLimits);
        set.Agendas.AddRange(_agendas);
        set.WorkItems.AddRange(_items.OrderBy(i => i.JobId).ThenBy(i => i.Index).Select(i => i.ToRecord()));
        return set;
    }

    /// <summary>After a successful commit every written row is one version further on.</summary>
    public void MarkCommitted()
    {
        foreach (var job in _jobs)
        {
            job.Version++;
        }

        foreach (var subjob in _subjobs)
        {
            subjob.Version++;
        }

        foreach (var worker in _workers)
        {
            worker.Version++;
        }

        foreach (var item in _items)
        {
            item.Version++;
        }
    }

    public void Clear()
    {
        _jobs.Clear();
        _subjobs.Clear();
        _workers.Clear();
        _removedWorkers.Clear();
        _changes.Clear();
        _logs.Clear();
        _settings.Clear();
        _accountLimits.Clear();
        _agendas.Clear();
        _items.Clear();
        Messages.Clear();
        SessionsToClose.Clear();
        EndedJobs.Clear();
        Instances.Clear();
        WorkersChanged = false;
        ViewChanged = false;
    }
}
