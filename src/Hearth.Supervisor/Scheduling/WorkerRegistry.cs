using System.Globalization;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The workers the loop knows, their live sessions, and which ones a restarted supervisor still waits to hear from.
/// It decides who a worker is (one live process per name) and when it has been silent too long; what a worker's
/// arrival or loss means for its work is <see cref="SchedulerState"/>'s to apply. Only the loop touches it.
/// </summary>
internal sealed class WorkerRegistry(TimeProvider time, SchedulerSettings settings)
{
    private readonly Dictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _returning = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, WorkerEntry> All => _workers;

    /// <summary>
    /// True after a restart until every worker the store knew as alive has reconnected (reporting its processes
    /// and instances) or been declared down by the heartbeat timeout. Until then the supervisor does not know
    /// what is already running, so decisions that start instances wait rather than duplicate what survived.
    /// </summary>
    public bool AwaitingWorkers => _returning.Count > 0;

    /// <summary>The workers a restarted supervisor is still waiting to hear from.</summary>
    public IReadOnlyCollection<string> Returning => _returning;

    public bool TryGet(string name, out WorkerEntry worker) => _workers.TryGetValue(name, out worker!);

    /// <summary>The worker <paramref name="session"/> speaks for, or null when a newer session has replaced it.</summary>
    public WorkerEntry? Current(WorkerSession session) =>
        _workers.TryGetValue(session.Name, out var worker) && worker.Session == session ? worker : null;

    public WorkerSession? SessionOf(string? host) => host is not null && _workers.TryGetValue(host, out var worker) ? worker.Session : null;

    /// <summary>A worker as the store kept it: unreachable (or down) until it reconnects, whatever it was before.</summary>
    public WorkerEntry Restore(WorkerRecord record, DateTimeOffset now)
    {
        var worker = new WorkerEntry(record.Name)
        {
            Totals = SchedulerState.ToResources(record.Resources),
            Status = WorkerEntry.ParseStatus(record.State) == WorkerStatus.Down ? WorkerStatus.Down : WorkerStatus.Unreachable,
            LastSeen = now,
            Version = record.Version,
        };
        _workers.Add(worker.Name, worker);
        return worker;
    }

    /// <summary>After a restore: a worker that may still run work is waited for before instances start.</summary>
    public void AwaitReturn(WorkerEntry worker)
    {
        if (worker.Status == WorkerStatus.Unreachable)
        {
            _returning.Add(worker.Name);
        }
    }

    /// <summary>
    /// Takes <paramref name="session"/> as its worker's live connection and tells the worker its timings. The same
    /// process reconnecting (its old stream is dead and not yet noticed) replaces the old session; another process
    /// under the same name would knock the live one off, so it is refused.
    /// </summary>
    public WorkerEntry Accept(WorkerSession session, CycleEffects fx)
    {
        var now = time.GetUtcNow();
        if (!_workers.TryGetValue(session.Name, out var worker))
        {
            worker = new WorkerEntry(session.Name);
            _workers.Add(worker.Name, worker);
        }

        if (worker.Session is { } old && old != session)
        {
            // A process that sends no incarnation cannot be told apart and is treated as the same one.
            if (old.Incarnation != session.Incarnation && old.Incarnation.Length > 0 && session.Incarnation.Length > 0)
            {
                throw new WorkerNameTakenException(
                    $"a worker named {worker.Name} is already connected from {old.Peer} since {worker.ConnectedAt.ToString("u", CultureInfo.InvariantCulture)}; " +
                    "stop it or give this worker another --name");
            }

            fx.SessionsToClose.Add(old);
        }

        worker.Session = session;
        worker.LastSeen = now;
        worker.ConnectedAt = now;
        worker.Stale.Clear();
        fx.Send(session, new SupervisorMessage
        {
            Registered = new Registered
            {
                HeartbeatIntervalMs = (int)settings.HeartbeatInterval.TotalMilliseconds,
                HeartbeatTimeoutMs = (int)settings.HeartbeatTimeout.TotalMilliseconds,
                FenceMarginMs = (int)settings.FenceMargin.TotalMilliseconds,
            },
        });
        return worker;
    }

    /// <summary>The worker is reconciled and takes work; a restarted supervisor no longer waits for it.</summary>
    public void MarkUp(WorkerEntry worker, CycleEffects fx)
    {
        worker.Status = WorkerStatus.Up;
        _returning.Remove(worker.Name);
        fx.Touch(worker);
    }

    /// <summary>Declares the worker lost and cuts its session; if it is still alive it reconnects, and its stale processes are killed then.</summary>
    public void MarkDown(WorkerEntry worker, CycleEffects fx)
    {
        worker.Status = WorkerStatus.Down;
        worker.Stale.Clear();
        _returning.Remove(worker.Name);
        if (worker.Session is { } session)
        {
            fx.SessionsToClose.Add(session);
            worker.Session = null;
        }

        fx.Touch(worker);
    }

    /// <summary>The session's connection ended; true when it was its worker's live one and the worker was up.</summary>
    public bool Disconnect(WorkerSession session, CycleEffects fx)
    {
        if (Current(session) is not { } worker)
        {
            return false;
        }

        worker.Session = null;
        if (worker.Status != WorkerStatus.Up)
        {
            return false;
        }

        worker.Status = WorkerStatus.Unreachable;
        fx.Touch(worker);
        return true;
    }

    public void Heard(WorkerSession session) => Current(session)?.LastSeen = time.GetUtcNow();

    public void Forget(WorkerEntry worker, CycleEffects fx)
    {
        _workers.Remove(worker.Name);
        _returning.Remove(worker.Name);
        fx.Remove(worker);
    }

    /// <summary>The workers not heard from within the heartbeat timeout and fencing margin, by the supervisor's clock.</summary>
    public List<WorkerEntry>? Expired()
    {
        var now = time.GetUtcNow();
        List<WorkerEntry>? expired = null;
        foreach (var worker in _workers.Values)
        {
            if (worker.Status != WorkerStatus.Down && now - worker.LastSeen >= settings.WorkerExpiry)
            {
                (expired ??= []).Add(worker);
            }
        }

        return expired;
    }

    /// <summary>When the next worker would expire, if none is heard from before.</summary>
    public DateTimeOffset? NextExpiry()
    {
        DateTimeOffset? next = null;
        foreach (var worker in _workers.Values)
        {
            if (worker.Status != WorkerStatus.Down)
            {
                var at = worker.LastSeen + settings.WorkerExpiry;
                next = next is { } n && n < at ? n : at;
            }
        }

        return next;
    }

    /// <summary>The host resources a registration reports, checked: a worker declares host resources only, and always its processors.</summary>
    /// <summary>Characters in a worker's name, as for a job's.</summary>
    public const int MaxNameLength = 256;

    public static Dictionary<ResourceName, int> ParseTotals(Register register)
    {
        if (string.IsNullOrWhiteSpace(register.Name))
        {
            throw new WorkerRejectedException("a worker must have a name");
        }

        // Its name is stored and printed: one line of text, within the bounds of any name, checked before it is applied.
        if (register.Name.Length > MaxNameLength || Hearth.Core.Text.ClientText.Problem(register.Name) is not null)
        {
            throw new WorkerRejectedException(register.Name.Length > MaxNameLength
                ? string.Create(CultureInfo.InvariantCulture, $"a worker's name is at most {MaxNameLength} characters; this one has {register.Name.Length}")
                : $"a worker's name {Hearth.Core.Text.ClientText.Problem(register.Name)}");
        }

        var totals = new Dictionary<ResourceName, int>();
        foreach (var (name, amount) in register.Resources)
        {
            if (!ResourceName.TryParse(name, out var resource, out var error))
            {
                throw new WorkerRejectedException($"worker {register.Name}: {error}");
            }

            if (!resource.IsHost)
            {
                throw new WorkerRejectedException($"worker {register.Name}: {resource} is not a host resource; global resources are defined on the supervisor");
            }

            if (amount < 0)
            {
                throw new WorkerRejectedException($"worker {register.Name}: {resource}={amount} is negative");
            }

            totals[resource] = amount;
        }

        if (!totals.ContainsKey(ResourceName.Processors))
        {
            throw new WorkerRejectedException($"worker {register.Name}: it reports no host.processors");
        }

        return totals;
    }
}
