using System.Collections.Concurrent;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Lets requests wait for a job to end without polling: the loop signals each job that ended, after its commit.</summary>
public sealed class JobWaiters
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();

    /// <summary>A task that completes when <paramref name="jobId"/> is next reported ended. Register before reading the job's state.</summary>
    public Task WhenEnded(long jobId) =>
        _waiting.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    internal void Ended(IEnumerable<long> jobIds)
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
