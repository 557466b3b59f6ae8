using Hearth.Core.Placement;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Subjobs' attempts on workers: placed, started, ended, lost, or killed by a purge. It turns what workers report
/// into changes in the <see cref="JobBook"/> and the loop's <see cref="Cluster"/>, and owns the attempts a purge
/// killed, which go back to the queue instead of ending. Only the loop touches it.
/// </summary>
internal sealed class Assignments(JobBook jobs, AgendaBook agendas, Cluster cluster, WorkerRegistry workers, TimeProvider time, SchedulerSettings settings)
{
    /// <summary>Attempts killed by a purge: when their process is gone they go back to the queue instead of ending.</summary>
    private readonly HashSet<string> _purging = new(StringComparer.Ordinal);

    /// <summary>Records and sends a placement decision for a subjob; false when the decision is not for a subjob.</summary>
    public bool Placed(PlacementDecision decision, CycleEffects fx, DateTimeOffset now)
    {
        if (!jobs.Subjobs.TryGetValue(decision.WorkId, out var subjob))
        {
            return false;
        }

        var session = workers.SessionOf(decision.Host);
        if (decision is DispatchDecision)
        {
            subjob.Dispatch(decision.Host, decision.Allocation);
            if (subjob.Job.Agenda is null)
            {
                fx.Send(session, WorkerMessages.Assign(subjob));
            }
            else if (agendas.First(subjob, fx, now) is { } item)
            {
                fx.Send(session, WorkerMessages.Assign(subjob, item));
            }
            else
            {
                // Another subjob took the last item while this one waited for its place: it gives the place back at once.
                cluster.Finish(subjob.WorkId);
                subjob.Finish(0, null, now);
                jobs.Forget(subjob);
            }

            jobs.Refreshed(subjob.Job, fx, now);
        }
        else
        {
            subjob.Grow(decision.Allocation);
            fx.Send(session, WorkerMessages.Grow(subjob));
        }

        fx.Touch(subjob);
        fx.Record(new AllocationChangeRecord(
            subjob.Job.Id, subjob.Index, subjob.Attempt,
            decision is DispatchDecision ? AllocationChangeKinds.Dispatch : AllocationChangeKinds.Grow,
            decision.Host, decision.Allocation.ToDictionary(), now));
        return true;
    }

    /// <summary>The running subjob an assignment names, if it is still the current attempt on <paramref name="worker"/>.</summary>
    public bool TryFindCurrent(string assignmentId, string worker, out Subjob subjob)
    {
        subjob = null!;
        return AssignmentId.TryParse(assignmentId, out var id)
            && jobs.Subjobs.TryGetValue(id.WorkId, out subjob!)
            && subjob.State == WorkState.Running
            && subjob.Attempt == id.Attempt
            && subjob.Host == worker;
    }

    public void Started(Subjob subjob, long pid, CycleEffects fx)
    {
        var now = time.GetUtcNow();
        subjob.MarkStarted(pid, now);
        fx.Touch(subjob);
        jobs.Refreshed(subjob.Job, fx, now);
    }

    /// <summary>Ends a running subjob whose process is gone, releasing what it held exactly once: retried, requeued after a purge, or done.</summary>
    public void End(Subjob subjob, int exitCode, string? error, CycleEffects fx)
    {
        var now = time.GetUtcNow();
        if (subjob.Job.Agenda is not null)
        {
            if (agendas.Ended(subjob, exitCode, error, _purging.Contains(subjob.AssignmentId), fx, now) is { } next)
            {
                // The next item goes out on this same report: the subjob keeps its place and its allocation.
                subjob.NextItem();
                fx.Send(workers.SessionOf(subjob.Host), WorkerMessages.Assign(subjob, next));
                fx.Touch(subjob);
                jobs.Refreshed(subjob.Job, fx, now);
                return;
            }

            // No item is left for it: it ends and gives its place back; the items keep their own outcomes.
            exitCode = 0;
            error = null;
        }

        var work = cluster.Finish(subjob.WorkId);
        if (_purging.Remove(subjob.AssignmentId) && !subjob.KillRequested && work is not null)
        {
            // Back to the queue at its old position, as on worker loss, but without counting a requeue.
            subjob.Requeue(now);
            cluster.Submit(work.Request);
        }
        else if ((error is not null || exitCode != 0) && !subjob.KillRequested && subjob.Retried < subjob.Job.Controls.Retries)
        {
            subjob.RetryAfterFailure(exitCode, error, now, now + subjob.Job.Controls.RetryDelay);
            jobs.Queue(subjob, fx, now);
        }
        else
        {
            subjob.Finish(exitCode, error, now);
            jobs.Forget(subjob);
        }

        fx.Touch(subjob);
        jobs.Refreshed(subjob.Job, fx, now);
    }

    /// <summary>
    /// Work whose worker was lost, its resources already released: back to the queue at its old position, or killed
    /// if a kill was asked for. False when the work is not a subjob's.
    /// </summary>
    public bool ReturnLost(RunningWork work, CycleEffects fx, DateTimeOffset now)
    {
        if (!jobs.Subjobs.TryGetValue(work.Id, out var subjob))
        {
            return false;
        }

        if (subjob.Job.Agenda is not null && !subjob.KillRequested)
        {
            // Its item returns to pending and counts the requeue; the subjob goes back to the queue while items are left.
            if (agendas.Lost(subjob, $"its worker {work.Host} was lost", fx, now))
            {
                subjob.Requeue(now);
                cluster.Submit(SubjobQueue.RequestFor(subjob));
            }
            else
            {
                subjob.Finish(0, null, now);
                jobs.Forget(subjob);
            }
        }
        else if (subjob.KillRequested)
        {
            if (subjob.Job.Agenda is not null)
            {
                agendas.Lost(subjob, $"its worker {work.Host} was lost", fx, now);
            }

            subjob.Cancel(now);
            jobs.Forget(subjob);
        }
        else if (subjob.RequeueAfterLoss(settings.MaxRequeues, now))
        {
            cluster.Submit(SubjobQueue.RequestFor(subjob));
        }
        else
        {
            jobs.Forget(subjob);
        }

        fx.Touch(subjob);
        jobs.Refreshed(subjob.Job, fx, now);
        return true;
    }

    /// <summary>
    /// Reconciles the processes a (re)connecting worker reports with the attempts assigned to it, before it is
    /// offered any work: those of attempts still assigned to it are adopted (or ended, if they exited meanwhile),
    /// the others are killed and kept as stale until they are gone, and attempts it no longer knows about return
    /// to the queue.
    /// </summary>
    public void Reconcile(WorkerEntry worker, IEnumerable<ProcessReport> processes, CycleEffects fx)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            reported.Add(process.AssignmentId);
            if (TryFindCurrent(process.AssignmentId, worker.Name, out var subjob))
            {
                if (!process.Running)
                {
                    End(subjob, process.ExitCode, NullIfEmpty(process.Error), fx);
                    // An agenda subjob moved on to its next item on this report: that assignment is not forgotten, it is new.
                    reported.Add(subjob.AssignmentId);
                }
                else if (subjob.KillRequested)
                {
                    fx.Send(worker.Session, KillMessage(subjob.AssignmentId));
                }
            }
            else if (process.Running)
            {
                worker.Stale.Add(process.AssignmentId);
                fx.Send(worker.Session, KillMessage(process.AssignmentId));
            }
        }

        ReturnForgotten(worker.Name, reported, fx);
    }

    /// <summary>Returns the subjobs booked on <paramref name="host"/> whose assignment a reconnecting worker did not report.</summary>
    private void ReturnForgotten(string host, HashSet<string> reported, CycleEffects fx)
    {
        var now = time.GetUtcNow();
        var forgotten = cluster.Running
            .Where(w => w.Host == host && jobs.Subjobs.TryGetValue(w.Id, out var s) && !reported.Contains(s.AssignmentId)).ToList();
        foreach (var work in forgotten)
        {
            cluster.Finish(work.Id);
            ReturnLost(work, fx, now);
        }
    }

    /// <summary>Kills a worker's running subjobs so they go back to the queue once their processes are gone.</summary>
    public void Purge(string host, CycleEffects fx)
    {
        var session = workers.SessionOf(host);
        foreach (var subjob in jobs.Subjobs.Values.Where(s => s.State == WorkState.Running && s.Host == host && !s.KillRequested))
        {
            if (_purging.Add(subjob.AssignmentId))
            {
                fx.Send(session, KillMessage(subjob.AssignmentId));
            }
        }
    }

    private SupervisorMessage KillMessage(string assignmentId) => WorkerMessages.Kill(assignmentId, settings.KillGrace);

    private static string? NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : text;
}
