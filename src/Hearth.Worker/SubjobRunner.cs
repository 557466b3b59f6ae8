using Hearth.Protocol.Workers;
using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

/// <summary>
/// The worker's subjob attempts: which run here, which ended lately and how, and which fencing ended. Assignments
/// start, grow and die on the supervisor's word; starts and exits are reported through the outbox. Thread-safe.
/// </summary>
/// <param name="mustNotStart">True while the worker is fenced: an assignment read then is not started.</param>
/// <param name="accountJobs">Whether it runs accounts' jobs, as it registers: "sandbox", "unisolated" or "refused: WHY".</param>
internal sealed partial class SubjobRunner(
    WorkerOptions options, Outbox outbox, ProcessRecords records, string workDirectory, IReadOnlyDictionary<string, string> environment,
    Sandboxing.Sandbox? sandbox, Func<bool> mustNotStart, string accountJobs, ILogger logger)
{
    private const int RecentExitsKept = 1000;

    private readonly ILogger _logger = logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (SubjobProcess Process, Task Supervised)> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProcessReport> _recentExits = new(StringComparer.Ordinal);
    private readonly Queue<string> _exitOrder = new();
    private readonly HashSet<string> _fenced = new(StringComparer.Ordinal);
    private volatile bool _leaving;

    private string Name => options.Name;

    public int RunningCount
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>
    /// Takes an assignment: it is recorded as running at once (so a kill or growth that follows finds it), and
    /// its process is started and supervised off the stream's read loop, so the next assignment never waits for
    /// this one's spawn.
    /// </summary>
    public void Start(Assign assign)
    {
        var id = assign.AssignmentId;
        lock (_lock)
        {
            if (_running.ContainsKey(id) || _recentExits.ContainsKey(id))
            {
                return;
            }

            if (mustNotStart())
            {
                // Sent before the supervisor could have given this worker up, read after the worker fenced: not
                // started, and missing from the next registration, so the supervisor puts it back in the queue.
                LogNotStartedWhileFenced(id);
                return;
            }

            var process = new SubjobProcess(
                assign,
                workDirectory,
                environment,
                (stream, data) => outbox.PostOutput(id, stream, data),
                options.Time,
                sandbox?.ForSubjob(assign.Account),
                assign.Account.Length > 0 && sandbox is null && !options.JobsUnisolated ? $"accounts' jobs are {accountJobs}" : null);
            _running[id] = (process, RunAsync(process));
        }
    }

    public void Kill(Kill kill)
    {
        SubjobProcess? process = null;
        ProcessReport? ended = null;
        lock (_lock)
        {
            if (_running.TryGetValue(kill.AssignmentId, out var entry))
            {
                process = entry.Process;
            }
            else
            {
                ended = _recentExits.GetValueOrDefault(kill.AssignmentId);
            }
        }

        if (process is not null)
        {
            LogKilling(kill.AssignmentId, process.Pid);
            _ = process.KillAsync(TimeSpan.FromMilliseconds(Math.Max(0, kill.GraceMs)));
            return;
        }

        // Not running here: say so, so the supervisor stops waiting for it.
        outbox.Post(new WorkerMessage
        {
            Exited = new ProcessExited
            {
                AssignmentId = kill.AssignmentId,
                ExitCode = ended?.ExitCode ?? -1,
                Error = ended is null ? $"not running on worker {Name}" : ended.Error,
            },
        });
    }

    public void Grow(Grow grow)
    {
        SubjobProcess? process;
        lock (_lock)
        {
            process = _running.GetValueOrDefault(grow.AssignmentId).Process;
        }

        process?.Grow(grow.Allocations);
    }

    /// <summary>What runs here and how the recent attempts ended, for a (re)registration.</summary>
    public void AddReports(Register register)
    {
        lock (_lock)
        {
            foreach (var (id, entry) in _running)
            {
                register.Processes.Add(new ProcessReport { AssignmentId = id, Running = true, Pid = entry.Process.Pid });
            }

            register.Processes.AddRange(_recentExits.Values);
        }
    }

    /// <summary>Stops every process for good (the worker is leaving: their ends are not reported) and waits until all have been reaped.</summary>
    public async Task StopAllAsync()
    {
        _leaving = true;
        List<(SubjobProcess Process, Task Supervised)> running;
        lock (_lock)
        {
            running = [.. _running.Values];
        }

        await Task.WhenAll(running.Select(r => r.Process.KillAsync(options.StopGrace))).ConfigureAwait(false);
        await Task.WhenAll(running.Select(r => r.Supervised)).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends every running attempt within <paramref name="grace"/> without reporting it, so the next registration
    /// leaves it out and the supervisor requeues it. Returns how many were running and the task of their ends.
    /// </summary>
    public (int Count, Task Stopped) Fence(TimeSpan grace)
    {
        List<(SubjobProcess Process, Task Supervised)> running;
        lock (_lock)
        {
            running = [.. _running.Values];
            _fenced.UnionWith(_running.Keys);
        }

        return (running.Count, StopFencedAsync(running, grace));
    }

    private static async Task StopFencedAsync(List<(SubjobProcess Process, Task Supervised)> running, TimeSpan grace)
    {
        await Task.WhenAll(running.Select(r => r.Process.KillAsync(grace))).ConfigureAwait(false);
        await Task.WhenAll(running.Select(r => r.Supervised)).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills what a previous worker process of this run directory left running: its output pipes died with it, so
    /// those processes can neither report nor be waited on. Done before the first registration, so the supervisor
    /// requeues (or has requeued) those attempts only once nothing of them runs here.
    /// </summary>
    /// <param name="onDisk">The records of a predecessor started without a runtime directory, when they are elsewhere.</param>
    public async Task KillLeftoversAsync(string? onDisk, CancellationToken stop)
    {
        var leftovers = await records.KillLeftoversAsync(Name, options.StopGrace * 5, options.Time, stop).ConfigureAwait(false);
        if (onDisk is not null && Directory.Exists(onDisk))
        {
            leftovers = [.. leftovers, .. await new ProcessRecords(onDisk).KillLeftoversAsync(Name, options.StopGrace * 5, options.Time, stop).ConfigureAwait(false)];
        }

        foreach (var leftover in leftovers)
        {
            if (leftover.Gone)
            {
                LogLeftoverKilled(Name, leftover.AssignmentId, leftover.ProcessGroup, leftover.Processes);
            }
            else
            {
                LogLeftoverSurvived(Name, leftover.AssignmentId, leftover.ProcessGroup);
            }
        }
    }

    private async Task RunAsync(SubjobProcess process)
    {
        // Off the read loop (and out of the lock Start holds).
        await Task.Yield();
        var id = process.AssignmentId;
        var outcome = process.Start(Name);
        if (outcome is not null)
        {
            LogStartFailed(id, outcome.Error ?? "");
        }
        else
        {
            RecordStarted(process);
            outbox.Post(new WorkerMessage { Started = new ProcessStarted { AssignmentId = id, Pid = process.Pid } });
            outcome = await process.RunToEndAsync().ConfigureAwait(false);
            records.Remove(id);
        }

        lock (_lock)
        {
            _running.Remove(id);
        }

        process.Dispose();
        Report(id, outcome);
    }

    /// <summary>A record that outlives this worker process, so a successor can kill the process if this worker dies first.</summary>
    private void RecordStarted(SubjobProcess process)
    {
        try
        {
            records.Add(process.AssignmentId, process.Pid, process.JobId, process.SubjobIndex);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRecordFailed(process.AssignmentId, e.Message);
        }
    }

    /// <summary>Remembers how an attempt ended (reported again on reconnection) and tells the supervisor, unless the worker is leaving.</summary>
    private void Report(string assignmentId, ProcessOutcome outcome)
    {
        var report = new ProcessReport { AssignmentId = assignmentId, Running = false, ExitCode = outcome.ExitCode, Error = outcome.Error ?? "" };
        lock (_lock)
        {
            if (_fenced.Remove(assignmentId))
            {
                // Ended by fencing: not reported at all, so the next registration leaves it out and the supervisor
                // requeues it (or already has), rather than counting the kill as the attempt's failure.
                return;
            }

            if (_recentExits.TryAdd(assignmentId, report))
            {
                _exitOrder.Enqueue(assignmentId);
                while (_exitOrder.Count > RecentExitsKept)
                {
                    _recentExits.Remove(_exitOrder.Dequeue());
                }
            }
        }

        if (!_leaving)
        {
            outbox.Post(new WorkerMessage
            {
                Exited = new ProcessExited { AssignmentId = assignmentId, ExitCode = outcome.ExitCode, Error = outcome.Error ?? "" },
            });
        }
    }
}
