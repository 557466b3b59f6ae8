using Hearth.Core.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Frames;

/// <summary>
/// The agendas of the unfinished agenda jobs, and which item each of their subjobs runs. A subjob takes its first
/// item when it is placed and its next one when it reports the last, on the same report; it ends when none is left
/// for it, and ended subjobs are queued again when items become pending once more. Only the loop touches it.
/// </summary>
internal sealed class AgendaBook(JobBook jobs, WorkerRegistry workers, SchedulerSettings settings)
{
    /// <summary>The item each running agenda subjob runs, by the subjob's work ID.</summary>
    private readonly Dictionary<string, WorkItem> _running = new(StringComparer.Ordinal);

    /// <summary>Items waiting out a retry delay, by when it ends; an entry may be stale (the item moved on), which only costs a look.</summary>
    private readonly PriorityQueue<long, DateTimeOffset> _delays = new();

    /// <summary>Agendas read from the store at start, waiting for their jobs to be rebuilt.</summary>
    private readonly Dictionary<long, Agenda> _restored = [];

    /// <summary>Makes a new job an agenda job: its items are cut and stored with it.</summary>
    public static void Attach(Job job, AgendaSpec spec, IReadOnlyList<FrameChunk> chunks, CycleEffects fx)
    {
        var agenda = new Agenda(job.Id, spec, chunks);
        job.Agenda = agenda;
        fx.Record(agenda.ToRecord());
        foreach (var item in agenda.Items)
        {
            fx.Touch(item);
        }
    }

    /// <summary>Reads the stored agendas before the jobs are rebuilt; <see cref="Restored"/> hands each to its job.</summary>
    public void Load(StoredCluster stored)
    {
        foreach (var details in stored.Agendas ?? [])
        {
            _restored[details.Agenda.JobId] = Agenda.Restore(details);
        }
    }

    /// <summary>An ended job's stored agenda, handed to the job when it is rebuilt next.</summary>
    public void Stage(Agenda agenda) => _restored[agenda.JobId] = agenda;

    public Agenda? Restored(long jobId) => _restored.Remove(jobId, out var agenda) ? agenda : null;

    /// <summary>
    /// After the jobs are rebuilt: an item whose subjob was not adopted on its worker running that same attempt goes
    /// back to pending, counted as a requeue; ended subjobs are queued again where items wait.
    /// </summary>
    public void AfterRestore(CycleEffects fx, DateTimeOffset now)
    {
        _restored.Clear();
        foreach (var job in jobs.Jobs.Values)
        {
            if (job.Agenda is not { } agenda)
            {
                continue;
            }

            foreach (var item in agenda.Items.Where(i => i.State == ItemState.Running).ToList())
            {
                var subjob = item.Subjob is { } index && index < job.Subjobs.Count ? job.Subjobs[index] : null;
                if (subjob is { State: WorkState.Running } && subjob.Attempt == item.Run)
                {
                    _running[subjob.WorkId] = item;
                    continue;
                }

                agenda.Change(item, i => i.ReturnLost("the supervisor restarted while it ran and its subjob was not found running it", settings.MaxRequeues, now));
                fx.Touch(item);
            }

            foreach (var item in agenda.Items.Where(i => i.State == ItemState.Pending && i.RetryAt > now))
            {
                _delays.Enqueue(job.Id, item.RetryAt!.Value);
            }

            Wake(job, fx, now);
            jobs.Refreshed(job, fx, now);
        }
    }

    /// <summary>The item a just placed subjob runs first, started under its current attempt; null when none is left for it.</summary>
    public WorkItem? First(Subjob subjob, CycleEffects fx, DateTimeOffset now) => Take(subjob, subjob.Attempt, fx, now);

    /// <summary>
    /// The running item of <paramref name="subjob"/> ended: it completes, fails, is retried or (when the subjob is
    /// put back in the queue) returns to pending. Hands back the next item, started under the subjob's next attempt,
    /// or null when the subjob is to end.
    /// </summary>
    public WorkItem? Ended(Subjob subjob, int exitCode, string? error, bool requeued, CycleEffects fx, DateTimeOffset now)
    {
        var agenda = subjob.Job.Agenda!;
        if (_running.Remove(subjob.WorkId, out var item) && item.State == ItemState.Running)
        {
            if (requeued)
            {
                agenda.Change(item, i => i.ReturnLost($"its subjob was taken off worker {subjob.Host}", settings.MaxRequeues, now));
            }
            else
            {
                var spec = agenda.Spec;
                agenda.Change(item, i => i.End(exitCode, error, subjob.KillRequested, spec.RetryWork, spec.RetryWorkDelay, now));
                if (item.State == ItemState.Pending && item.RetryAt is { } at)
                {
                    _delays.Enqueue(agenda.JobId, at);
                }
            }

            fx.Touch(item);
        }

        return subjob.KillRequested || requeued ? null : Take(subjob, subjob.Attempt + 1, fx, now);
    }

    /// <summary>The worker under an agenda subjob was lost: its item goes back to pending, counted as a requeue. True when items are left to run.</summary>
    public bool Lost(Subjob subjob, string reason, CycleEffects fx, DateTimeOffset now)
    {
        var agenda = subjob.Job.Agenda!;
        if (_running.Remove(subjob.WorkId, out var item) && item.State == ItemState.Running)
        {
            agenda.Change(item, i => i.ReturnLost(reason, settings.MaxRequeues, now));
            if (subjob.KillRequested && item.State == ItemState.Pending)
            {
                agenda.Change(item, i => i.Cancel(now));
            }

            fx.Touch(item);
        }

        return agenda.Runnable(now, 1, _ => true) > 0;
    }

    /// <summary>A kill of the whole job: its waiting items are killed now, its running ones when their processes end.</summary>
    public void Kill(long jobId, CycleEffects fx, DateTimeOffset now)
    {
        if (!jobs.Jobs.TryGetValue(jobId, out var job) || job.Agenda is not { } agenda)
        {
            return;
        }

        foreach (var item in agenda.Items)
        {
            if (item.State is ItemState.Pending or ItemState.Blocked)
            {
                agenda.Change(item, i => i.Cancel(now));
                fx.Touch(item);
            }
        }
    }

    /// <summary>
    /// Queues ended subjobs of the job again while fewer of its subjobs are active than items could run now, up to
    /// its <c>cpus</c>.
    /// </summary>
    public void Wake(Job job, CycleEffects fx, DateTimeOffset now)
    {
        if (job.Agenda is not { } agenda || agenda.PendingCount == 0)
        {
            return;
        }

        var active = job.Subjobs.Count(s => !s.State.IsTerminal());
        var want = agenda.Runnable(now, job.Subjobs.Count, _ => true);
        foreach (var subjob in job.Subjobs)
        {
            if (active >= want)
            {
                break;
            }

            if (subjob.State.IsTerminal())
            {
                subjob.Resume();
                jobs.Resume(subjob, fx, now);
                active++;
            }
        }
    }

    /// <summary>
    /// The items a frame action takes: those holding <paramref name="frames"/> (all when null) in a state it applies to.
    /// Refuses frames the job does not have, and an action that applies to none of the items named. Changes nothing.
    /// </summary>
    public static List<WorkItem> Choose(Agenda agenda, FrameAction action, IReadOnlyList<int>? frames)
    {
        List<WorkItem> named;
        if (frames is null)
        {
            named = [.. agenda.Items];
        }
        else
        {
            var missing = new List<int>();
            var seen = new HashSet<int>();
            named = [];
            foreach (var frame in frames)
            {
                if (agenda.ItemOf(frame) is not { } item)
                {
                    missing.Add(frame);
                }
                else if (seen.Add(item.Index))
                {
                    named.Add(item);
                }
            }

            if (missing.Count > 0)
            {
                throw new FrameActionRefusedException($"job {agenda.JobId} has no frame {RangeText.Format(missing)}; its range is {agenda.Spec.RangeText}");
            }
        }

        var chosen = named.Where(i => action.AppliesTo(i.State, frames is not null)).OrderBy(i => i.Index).ToList();
        if (chosen.Count == 0)
        {
            throw new FrameActionRefusedException(
                $"no item of job {agenda.JobId}{(frames is null ? "" : $" holding frames {RangeText.Format(frames)}")} can be {Past(action)}: it takes {action.Takes(frames is not null)} items");
        }

        return chosen;
    }

    /// <summary>Carries out a frame action on items <see cref="Choose"/> picked, and notes it in the job's history.</summary>
    public void Act(Job job, FrameAction action, List<WorkItem> chosen, string range, string by, CycleEffects fx, DateTimeOffset now)
    {
        var agenda = job.Agenda!;
        foreach (var item in chosen)
        {
            switch (action)
            {
                case FrameAction.Retry:
                    agenda.Change(item, i => i.Reopen(now));
                    break;
                case FrameAction.Complete:
                    agenda.Change(item, i => i.CompleteByHand(now));
                    break;
                case FrameAction.Block:
                    agenda.Change(item, i => i.Block());
                    break;
                case FrameAction.Unblock:
                    agenda.Change(item, i => i.Unblock());
                    break;
                case FrameAction.Kill when item.State == ItemState.Running:
                    item.RequestKill();
                    var subjob = job.Subjobs[item.Subjob!.Value];
                    fx.Send(workers.SessionOf(subjob.Host), WorkerMessages.Kill(subjob.AssignmentId, settings.KillGrace));
                    break;
                default:
                    agenda.Change(item, i => i.Cancel(now));
                    break;
            }

            fx.Touch(item);
        }

        job.Note("frames", "", $"{action.ToText()} {range} ({chosen.Count} item(s))", by, now);
        fx.Touch(job);
        if (job.State.IsTerminal())
        {
            job.Reopen(now);
            fx.ViewChanged = true;
        }

        Wake(job, fx, now);
        jobs.Refreshed(job, fx, now);
    }

    private static string Past(FrameAction action) => action switch
    {
        FrameAction.Retry => "retried",
        FrameAction.Complete => "completed",
        FrameAction.Block => "blocked",
        FrameAction.Unblock => "unblocked",
        _ => "killed",
    };

    /// <summary>When the earliest delayed item retry is due.</summary>
    public DateTimeOffset? NextRetry() => _delays.TryPeek(out _, out var at) ? at : null;

    /// <summary>Wakes the jobs whose delayed item retries are due.</summary>
    public void WakeDue(CycleEffects fx, DateTimeOffset now)
    {
        while (_delays.TryPeek(out var jobId, out var at) && at <= now)
        {
            _delays.Dequeue();
            if (jobs.Jobs.TryGetValue(jobId, out var job))
            {
                Wake(job, fx, now);
                jobs.Refreshed(job, fx, now);
            }
        }
    }

    private WorkItem? Take(Subjob subjob, int run, CycleEffects fx, DateTimeOffset now)
    {
        var job = subjob.Job;
        var agenda = job.Agenda!;
        var host = subjob.Host!;
        var onlyHost = !job.Subjobs.Any(s => s != subjob && !s.State.IsTerminal() && s.Host != host);
        if (agenda.Next(host, onlyHost, now, _ => true) is not { } item)
        {
            return null;
        }

        agenda.Change(item, i => i.Start(subjob.Index, run, host, now));
        _running[subjob.WorkId] = item;
        fx.Touch(item);
        return item;
    }
}
