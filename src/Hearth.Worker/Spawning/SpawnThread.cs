using System.Collections.Concurrent;

namespace Hearth.Worker.Spawning;

/// <summary>
/// The one thread that spawns sandboxed processes, alive as long as this process. A sandbox runs bubblewrap with
/// <c>--die-with-parent</c>, i.e. <c>PR_SET_PDEATHSIG</c> = SIGKILL, and the kernel sends that signal when the
/// <em>thread</em> that forked the child ends, not when its process does. Spawned from a thread-pool thread, every
/// sandbox that thread started is killed at once when the pool retires the thread after it idled. Spawned from
/// here, a sandbox still dies with the worker, and only then.
/// </summary>
internal static class SpawnThread
{
    private static readonly BlockingCollection<Action> s_work = [];
    private static readonly Thread s_thread = Start();

    /// <summary>The managed ID of the spawning thread.</summary>
    public static int ManagedThreadId => s_thread.ManagedThreadId;

    /// <summary>Runs <paramref name="spawn"/> on the spawning thread and returns its result or rethrows its exception.</summary>
    public static T Run<T>(Func<T> spawn)
    {
        ArgumentNullException.ThrowIfNull(spawn);
        if (Environment.CurrentManagedThreadId == s_thread.ManagedThreadId)
        {
            return spawn();
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_work.Add(() =>
        {
            try
            {
                done.SetResult(spawn());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });

        // A spawn takes a fork and an exec: blocking the caller that long is what spawning on its own thread costs too.
        return done.Task.GetAwaiter().GetResult();
    }

    private static Thread Start()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in s_work.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "hearth spawner",
        };
        thread.Start();
        return thread;
    }
}
