namespace Hearth.Worker.Builds;

/// <summary>A build held for use: its directory stays in the cache until this is disposed (once).</summary>
internal sealed class BuildLease(BuildCache cache, string hash, string path) : IDisposable
{
    private int _released;

    public string Hash { get; } = hash;

    public string Path { get; } = path;

    /// <summary>How long unpacking the archive took when this acquisition fetched (or waited for) it; zero when it was cached.</summary>
    public TimeSpan Unpacking { get; init; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            cache.Release(Hash);
        }
    }
}
