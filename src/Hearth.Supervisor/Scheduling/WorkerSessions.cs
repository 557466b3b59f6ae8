using System.Collections.Frozen;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The worker sessions as the scheduling loop last committed them, published read-only for the threads that send to
/// workers without the loop (the warm pool's calls). The loop owns the sessions, on its workers; this is a copy
/// it replaces after a commit that changed them, so a reader takes no lock and sees one consistent set.
/// </summary>
public sealed class WorkerSessions
{
    private volatile FrozenDictionary<string, WorkerSession> _current = FrozenDictionary<string, WorkerSession>.Empty;

    /// <summary>The worker's session, or null when it is not connected (or the loop has not accepted it yet).</summary>
    public WorkerSession? Find(string worker) => _current.GetValueOrDefault(worker);

    /// <summary>Publishes the workers' sessions, when they differ from the published ones. Called by the loop only.</summary>
    internal void Publish(IReadOnlyDictionary<string, WorkerEntry> workers)
    {
        var current = _current;
        var count = 0;
        var same = true;
        foreach (var (name, worker) in workers)
        {
            if (worker.Session is { } session)
            {
                count++;
                same &= current.TryGetValue(name, out var published) && ReferenceEquals(published, session);
            }
        }

        if (same && count == current.Count)
        {
            return;
        }

        _current = workers.Values.Where(w => w.Session is not null).ToFrozenDictionary(w => w.Name, w => w.Session!, StringComparer.Ordinal);
    }
}
