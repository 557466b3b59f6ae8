using Google.Protobuf;
using Hearth.Protocol.Workers;

namespace Hearth.Worker;

public sealed partial class WorkerAgent
{
    /// <summary>
    /// Takes an assignment: it is recorded as running at once (so a kill or growth that follows finds it), and
    /// its process is started and supervised off the stream's read loop, so the next assignment never waits for
    /// this one's spawn.
    /// </summary>
    private void Start(Assign assign)
    {
        var id = assign.AssignmentId;
        lock (_lock)
        {
            if (_running.ContainsKey(id) || _recentExits.ContainsKey(id))
            {
                return;
            }

            if (Fencing && _fence.Expired)
            {
                // Sent before the supervisor could have given this worker up, read after the worker fenced: not
                // started, and missing from the next registration, so the supervisor puts it back in the queue.
                LogNotStartedWhileFenced(id);
                return;
            }

            var process = new SubjobProcess(
                assign,
                _memoryDirectory ?? _runDirectory,
                _environment,
                (stream, data) => _outbox.PostOutput(id, stream, data),
                _options.Time,
                _sandbox?.ForSubjob());
            _running[id] = (process, RunAsync(process));
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
            _outbox.Post(new WorkerMessage { Started = new ProcessStarted { AssignmentId = id, Pid = process.Pid } });
            outcome = await process.RunToEndAsync().ConfigureAwait(false);
            _records.Remove(id);
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
            _records.Add(process.AssignmentId, process.Pid, process.JobId, process.SubjobIndex);
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
            _outbox.Post(new WorkerMessage
            {
                Exited = new ProcessExited { AssignmentId = assignmentId, ExitCode = outcome.ExitCode, Error = outcome.Error ?? "" },
            });
        }
    }

    private void Kill(Kill kill)
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
        _outbox.Post(new WorkerMessage
        {
            Exited = new ProcessExited
            {
                AssignmentId = kill.AssignmentId,
                ExitCode = ended?.ExitCode ?? -1,
                Error = ended is null ? $"not running on worker {Name}" : ended.Error,
            },
        });
    }

    private void Grow(Grow grow)
    {
        SubjobProcess? process;
        lock (_lock)
        {
            process = _running.GetValueOrDefault(grow.AssignmentId).Process;
        }

        process?.Grow(grow.Allocations);
    }

    /// <summary>Stops every process: SIGTERM to each group, SIGKILL after the grace, and waits until all have been reaped.</summary>
    private async Task StopProcessesAsync()
    {
        _leaving = true;
        List<(SubjobProcess Process, Task Supervised)> running;
        lock (_lock)
        {
            running = [.. _running.Values];
        }

        await Task.WhenAll(running.Select(r => r.Process.KillAsync(_options.StopGrace)).Append(StopInstancesAsync())).ConfigureAwait(false);
        await Task.WhenAll(running.Select(r => r.Supervised)).ConfigureAwait(false);
    }

    private bool Fencing => _options.OnDisconnect == WorkerDisconnectAction.Stop;

    /// <summary>Fences whenever the supervisor has not confirmed hearing from this worker within its heartbeat timeout.</summary>
    private async Task WatchContactAsync(CancellationToken stop)
    {
        if (!Fencing)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            var changed = _fence.Changed;
            switch (_fence.Remaining())
            {
                case null:
                    await changed.WaitAsync(stop).ConfigureAwait(false);
                    break;
                case { } remaining when remaining > TimeSpan.Zero:
                    // A confirmation meanwhile only moves the deadline later, so waking at this one is never late.
                    await Task.Delay(remaining, _options.Time, stop).ConfigureAwait(false);
                    break;
                default:
                    if (_fence.Expire())
                    {
                        await FenceAsync().ConfigureAwait(false);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Ends every subjob and instance here, within the supervisor's margin, and drops the connection: the
    /// supervisor may already count this worker's work as lost and start it elsewhere once the margin is over.
    /// </summary>
    private async Task FenceAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fencing = done.Task;
        try
        {
            await StopForFenceAsync().ConfigureAwait(false);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private async Task StopForFenceAsync()
    {
        List<(SubjobProcess Process, Task Supervised)> running;
        lock (_lock)
        {
            running = [.. _running.Values];
            _fenced.UnionWith(_running.Keys);
        }

        _cutOff?.TrySetResult();
        var grace = TimeSpan.FromTicks(Math.Min(_options.StopGrace.Ticks, _fence.Margin.Ticks / 3));
        LogFenced(Name, (int)(_fence.Timeout ?? TimeSpan.Zero).TotalSeconds, running.Count, InstanceCount);
        await Task.WhenAll(running.Select(r => r.Process.KillAsync(grace)).Append(_instanceHost?.StopAllAsync(grace) ?? Task.CompletedTask)).ConfigureAwait(false);
        await Task.WhenAll(running.Select(r => r.Supervised)).ConfigureAwait(false);
        LogFenceDone(Name, running.Count);
    }
}
