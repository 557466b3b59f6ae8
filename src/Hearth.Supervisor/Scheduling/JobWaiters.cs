using System.Collections.Concurrent;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Lets requests wait for a job to end without polling: the loop signals each job that ended, after its commit.</summary>
public sealed class JobWaiters
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();

    /// <summary>A task that completes when <paramref name="jobId"/> is next reported ended. Register before reading the job's state.</summary>
    public Task WhenEnded(long jobId) =>
        _waiting.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>
    /// Drops the registration of a wait that will not happen (the job has ended, or is not there to be seen), so
    /// asking after finished or made-up ids cannot grow the map. A waiter that shares it and still waits asks again
    /// at its timeout.
    /// </summary>
    public void Forget(long jobId, Task ended)
    {
        if (_waiting.TryGetValue(jobId, out var waiter) && waiter.Task == ended)
        {
            _waiting.TryRemove(new KeyValuePair<long, TaskCompletionSource>(jobId, waiter));
        }
    }

    internal int Count => _waiting.Count;

    internal void Ended(List<long> jobIds)
    {
        foreach (var id in jobIds)
        {
            if (_waiting.TryRemove(id, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }
}
