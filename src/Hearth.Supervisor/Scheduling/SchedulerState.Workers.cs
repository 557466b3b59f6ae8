using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker's registration was refused; the message says why.</summary>
public sealed class WorkerRejectedException(string message) : Exception(message);

/// <summary>Another worker process holds the name on a live connection; the message names where from and since when.</summary>
public sealed class WorkerNameTakenException(string message) : Exception(message);

internal sealed partial class SchedulerState
{
    /// <summary>
    /// A worker (re)connects. Its reported processes are reconciled before it is offered any work: those of
    /// attempts still assigned to it are adopted, the others are killed, and attempts it no longer knows about
    /// return to the queue.
    /// </summary>
    public void Connect(WorkerSession session, Register register, CycleEffects fx)
    {
        var totals = Farm.ForWorker(register.Name, ParseTotals(register));
        var now = _time.GetUtcNow();
        if (!_workers.TryGetValue(session.Name, out var worker))
        {
            worker = new WorkerEntry(session.Name);
            _workers.Add(worker.Name, worker);
        }

        if (worker.Session is { } old && old != session)
        {
            // The same process reconnecting (its old stream is dead and not yet noticed) replaces it; another
            // process under the same name would knock the live one off, so it is refused. A process that sends
            // no incarnation cannot be told apart and is treated as the same one.
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
                HeartbeatIntervalMs = (int)_settings.HeartbeatInterval.TotalMilliseconds,
                HeartbeatTimeoutMs = (int)_settings.HeartbeatTimeout.TotalMilliseconds,
                FenceMarginMs = (int)_settings.FenceMargin.TotalMilliseconds,
            },
        });

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in register.Processes)
        {
            reported.Add(process.AssignmentId);
            if (TryFindCurrent(process.AssignmentId, worker.Name, out var subjob))
            {
                if (!process.Running)
                {
                    EndSubjob(subjob, process.ExitCode, NullIfEmpty(process.Error), fx);
                }
                else if (subjob.KillRequested)
                {
                    fx.Send(session, KillMessage(subjob.AssignmentId));
                }
            }
            else if (process.Running)
            {
                worker.Stale.Add(process.AssignmentId);
                fx.Send(session, KillMessage(process.AssignmentId));
            }
        }

        var forgotten = Cluster.Running
            .Where(w => w.Host == worker.Name && _subjobs.TryGetValue(w.Id, out var s) && !reported.Contains(s.AssignmentId)).ToList();
        foreach (var work in forgotten)
        {
            Cluster.Finish(work.Id);
            ReturnLostWork(work, fx, now);
        }

        var ledger = Cluster.Ledger;
        if (!ledger.TryGetHostIndex(worker.Name, out var host) || ledger.RunningOn(host) == 0)
        {
            host = Cluster.AddHost(worker.Name, totals);
            worker.Totals = totals;
            ledger.SetLocked(host, Farm.IsLocked(worker.Name));
        }
        else
        {
            // It still holds adopted work: keep the totals that work was booked against.
            Cluster.HostUp(worker.Name);
        }

        worker.Properties = new HostProperties(worker.Name, register.Os, register.Arch, register.CpuModel, [.. register.Groups], register.Cluster);
        ledger.SetProperties(host, worker.Properties);
        worker.Isolation = register.Isolation.Length == 0 ? WorkerEntry.NoIsolation : register.Isolation;
        ledger.SetIsolated(host, worker.Isolation != WorkerEntry.NoIsolation);
        ReconcileInstances(session, register, fx);
        if (worker.Stale.Count > 0)
        {
            ledger.SetUp(host, false);
        }

        worker.Status = WorkerStatus.Up;
        _returning.Remove(worker.Name);
        fx.Touch(worker);
    }

    /// <summary>The connection ended. Its work is kept until the heartbeat timeout, but nothing new goes there.</summary>
    public void Disconnect(WorkerSession session, CycleEffects fx)
    {
        if (!_workers.TryGetValue(session.Name, out var worker) || worker.Session != session)
        {
            return;
        }

        worker.Session = null;
        if (worker.Status == WorkerStatus.Up)
        {
            worker.Status = WorkerStatus.Unreachable;
            Cluster.Ledger.SetUp(Cluster.Ledger.HostIndex(worker.Name), false);
            fx.Touch(worker);
        }
    }

    /// <summary>A clean shutdown: the worker stopped its processes itself, so its work is requeued at once.</summary>
    public void Leave(WorkerSession session, CycleEffects fx)
    {
        if (_workers.TryGetValue(session.Name, out var worker) && worker.Session == session)
        {
            MarkDown(worker, fx);
        }
    }

    public void Heard(WorkerSession session) => Current(session)?.LastSeen = _time.GetUtcNow();

    /// <summary>
    /// Counts a heartbeat and confirms it, after the fact: a worker fences from the last heartbeat confirmed, so a
    /// heartbeat that reached a session this supervisor has already given up on is not confirmed.
    /// </summary>
    public void Heartbeat(WorkerSession session, Heartbeat heartbeat, CycleEffects fx)
    {
        if (Current(session) is { } worker)
        {
            worker.LastSeen = _time.GetUtcNow();
            fx.Send(session, new SupervisorMessage { HeartbeatAck = new HeartbeatAck { Sequence = heartbeat.Sequence } });
        }
    }

    private WorkerEntry? Current(WorkerSession session) =>
        _workers.TryGetValue(session.Name, out var worker) && worker.Session == session ? worker : null;

    public void Started(WorkerSession session, ProcessStarted started, CycleEffects fx)
    {
        Heard(session);
        if (TryFindCurrent(started.AssignmentId, session.Name, out var subjob))
        {
            var now = _time.GetUtcNow();
            subjob.MarkStarted(started.Pid, now);
            fx.Touch(subjob);
            Refreshed(subjob.Job, fx, now);
        }
    }

    public void Exited(WorkerSession session, ProcessExited exited, CycleEffects fx)
    {
        Heard(session);
        if (!_workers.TryGetValue(session.Name, out var worker))
        {
            return;
        }

        if (worker.Stale.Remove(exited.AssignmentId))
        {
            if (worker.Stale.Count == 0 && worker.Status == WorkerStatus.Up)
            {
                Cluster.HostUp(worker.Name);
                fx.ViewChanged = true;
            }

            return;
        }

        if (TryFindCurrent(exited.AssignmentId, worker.Name, out var subjob))
        {
            EndSubjob(subjob, exited.ExitCode, NullIfEmpty(exited.Error), fx);
        }
    }

    public void Log(WorkerSession session, LogChunk chunk, CycleEffects fx)
    {
        Heard(session);
        if (AssignmentId.TryParse(chunk.AssignmentId, out var id) && !chunk.Data.IsEmpty)
        {
            var stream = chunk.Stream == OutputStream.Stderr ? 2 : 1;
            fx.Record(new LogChunkRecord(id.JobId, id.Index, id.Attempt, stream, chunk.Data.ToByteArray()));
        }
    }

    /// <summary>Declares down every worker not heard from within the heartbeat timeout and fencing margin, by the supervisor's clock.</summary>
    public void ExpireWorkers(CycleEffects fx)
    {
        var now = _time.GetUtcNow();
        foreach (var worker in _workers.Values)
        {
            if (worker.Status != WorkerStatus.Down && now - worker.LastSeen >= _settings.WorkerExpiry)
            {
                MarkDown(worker, fx);
            }
        }
    }

    /// <summary>When the next worker would expire, if none is heard from before.</summary>
    public DateTimeOffset? NextExpiry()
    {
        DateTimeOffset? next = null;
        foreach (var worker in _workers.Values)
        {
            if (worker.Status != WorkerStatus.Down)
            {
                var at = worker.LastSeen + _settings.WorkerExpiry;
                next = next is { } n && n < at ? n : at;
            }
        }

        return next;
    }

    /// <summary>Releases everything the worker held, exactly once, and requeues its work.</summary>
    private void MarkDown(WorkerEntry worker, CycleEffects fx)
    {
        var now = _time.GetUtcNow();
        worker.Status = WorkerStatus.Down;
        worker.Stale.Clear();
        _returning.Remove(worker.Name);
        if (worker.Session is { } session)
        {
            // If it is still alive it reconnects and re-registers, and its stale processes are killed then.
            fx.SessionsToClose.Add(session);
            worker.Session = null;
        }

        if (Cluster.Ledger.TryGetHostIndex(worker.Name, out _))
        {
            foreach (var work in Cluster.HostDown(worker.Name))
            {
                ReturnLostWork(work, fx, now);
            }
        }

        fx.Touch(worker);
    }

    public ClusterView View()
    {
        var ledger = Cluster.Ledger;
        var workers = new List<WorkerView>(_workers.Count);
        foreach (var worker in _workers.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var known = ledger.TryGetHostIndex(worker.Name, out var host);
            // A worker that is not up takes no work: none of its capacity is free, whatever the ledger holds for it.
            List<ResourceUsageView> resources = known
                ? [.. ledger.HostUsage(host).Select(u => worker.Status == WorkerStatus.Up ? ToView(u) : ToView(u) with { Free = 0 })]
                : [];
            workers.Add(new WorkerView(
                worker.Name, WorkerEntry.StatusText(worker.Status), worker.LastSeen, known ? ledger.RunningOn(host) : 0, resources, worker.Isolation,
                Farm.IsLocked(worker.Name), ToView(worker.Properties)));
        }

        return new ClusterView(workers, [.. ledger.GlobalUsage().Select(ToView)], Cluster.Pending.Count, Cluster.Running.Count, _time.GetUtcNow());
    }

    private static WorkerPropertiesView ToView(HostProperties p) => new(p.Name, p.Os, p.Arch, p.CpuModel, p.Groups, p.Cluster);

    private static ResourceUsageView ToView(ResourceUsage usage) => new(usage.Resource.ToString(), usage.Total, usage.Used, usage.Free, usage.Outside);

    private static Dictionary<ResourceName, int> ParseTotals(Register register)
    {
        if (string.IsNullOrWhiteSpace(register.Name))
        {
            throw new WorkerRejectedException("a worker must have a name");
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

    private static string? NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>The cluster as the loop last saw it: workers with total/used/free, global resources, queue sizes.</summary>
public sealed record ClusterView(
    IReadOnlyList<WorkerView> Workers,
    IReadOnlyList<ResourceUsageView> Global,
    int PendingSubjobs,
    int RunningSubjobs,
    DateTimeOffset At)
{
    public static readonly ClusterView Empty = new([], [], 0, 0, DateTimeOffset.UnixEpoch);
}
