namespace Hearth.Cli.Commands;

/// <summary>
/// The long-running commands block thread-pool threads for short stretches (SQLite is synchronous under its
/// async API, and starting a process forks), so they start with enough threads that the pool never waits
/// on its slow growth heuristic while work queues up.
/// </summary>
internal static class ServerThreads
{
    public static void Reserve()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
