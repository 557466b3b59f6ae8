using Hearth.Worker.Builds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>The build cache's size cap, on real files: each build here is one file of exactly <see cref="BuildBytes"/> bytes.</summary>
public sealed class BuildCacheEvictionTests : IDisposable
{
    private const int BuildBytes = 1000;
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string C = "cccccccccccccccccccccccccccccccccccccccc";
    private const string D = "dddddddddddddddddddddddddddddddddddddddd";
    private readonly ScratchDirectory _scratch = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _log = new();
    private readonly Builds _source;

    public BuildCacheEvictionTests() => _source = new Builds(_scratch.Path);

    public void Dispose() => _scratch.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string CacheRoot => Path.Combine(_scratch.Path, "cache");

    private BuildCache Cache(long capacityBytes) => new(CacheRoot, _source, capacityBytes, _time, _log);

    /// <summary>Fetches (or reuses) a build, uses it for a minute, and lets it go.</summary>
    private async Task UseAsync(BuildCache cache, string hash, int bytes = BuildBytes)
    {
        await _source.AddAsync(hash, bytes);
        using (await cache.AcquireAsync(hash, null, Token))
        {
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
    }

    private static string[] Cached(BuildCache cache) =>
        [.. new[] { A, B, C, D }.Where(cache.Contains).Select(h => h[..1])];

    [Fact]
    public async Task AFetchThatOverfillsTheCacheEvictsTheLeastRecentlyUsedBuild()
    {
        var cache = Cache(2 * BuildBytes + 500);
        await UseAsync(cache, A);
        await UseAsync(cache, B);
        await UseAsync(cache, A);
        Assert.Equal(["a", "b"], Cached(cache));

        await UseAsync(cache, C);
        Assert.Equal(["a", "c"], Cached(cache));
        Assert.Equal(2 * BuildBytes, cache.SizeBytes);

        await UseAsync(cache, D);
        Assert.Equal(["c", "d"], Cached(cache));
        Assert.Equal(
            [
                $"Evicted build {B} (1000 bytes, last used 2026-03-01T12:03:00.0000000+00:00) from the build cache, which now holds 2000 of its 2500 bytes",
                $"Evicted build {A} (1000 bytes, last used 2026-03-01T12:05:00.0000000+00:00) from the build cache, which now holds 2000 of its 2500 bytes",
            ],
            _log.Lines);
        Assert.Equal(1, _source.Opens(A));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(CacheRoot, ".evicting")));
    }

    [Fact]
    public async Task ABuildInUseIsNeverEvictedAndCountsAsUsedUntilItsLeaseEnds()
    {
        var cache = Cache(2 * BuildBytes + 500);
        await _source.AddAsync(A, BuildBytes);
        var held = await cache.AcquireAsync(A, null, Token);
        _time.Advance(TimeSpan.FromMinutes(1));
        await UseAsync(cache, B);
        await UseAsync(cache, C);

        // A was fetched first and is still in use: B, used after A's fetch, goes instead.
        Assert.Equal(["a", "c"], Cached(cache));

        _time.Advance(TimeSpan.FromMinutes(1));
        held.Dispose();
        held.Dispose();
        _time.Advance(TimeSpan.FromMinutes(1));
        await UseAsync(cache, D);

        // A's last use is when its lease ended, after C's.
        Assert.Equal(["a", "d"], Cached(cache));
        Assert.Equal(1, _source.Opens(A));
    }

    [Fact]
    public async Task ABuildBeingFetchedIsNotEvictedByAnotherFetch()
    {
        var cache = Cache(BuildBytes + 500);
        await _source.AddAsync(A, BuildBytes);
        await _source.AddAsync(B, BuildBytes);
        var gate = _source.Hold(B);
        var fetchingB = cache.AcquireAsync(B, null, Token);
        await _source.Opened(B).WaitAsync(TimeSpan.FromSeconds(30), Token);

        using (await cache.AcquireAsync(A, null, Token))
        {
        }

        gate.SetResult();
        using var b = await fetchingB.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(["b"], Cached(cache));
        Assert.Equal(1000, cache.SizeBytes);
    }

    /// <summary>Starts a fetch of the held build whose only acquirer gives up while it is under way.</summary>
    private async Task AbandonFetchAsync(BuildCache cache, string hash)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var acquiring = cache.AcquireAsync(hash, null, giveUp.Token);
        await _source.Opened(hash).WaitAsync(TimeSpan.FromSeconds(30), Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquiring.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.True(cache.IsFetching(hash));
    }

    private static async Task UntilFetchEndsAsync(BuildCache cache, string hash)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (cache.IsFetching(hash))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the fetch of {hash} was still registered 30 s after it ended");
            await Task.Delay(10, Token);
        }
    }

    [Fact]
    public async Task ABuildWhoseAcquirersAllGaveUpBeforeItsFetchEndedCanStillBeEvicted()
    {
        var cache = Cache(BuildBytes + 500);
        await _source.AddAsync(A, BuildBytes);
        var gate = _source.Hold(A);
        await AbandonFetchAsync(cache, A);

        gate.SetResult();
        await UntilFetchEndsAsync(cache, A);
        Assert.Equal(["a"], Cached(cache));

        _time.Advance(TimeSpan.FromMinutes(1));
        await UseAsync(cache, B);
        Assert.Equal(["b"], Cached(cache));
        Assert.Equal(1000, cache.SizeBytes);
    }

    [Fact]
    public async Task AFailedFetchIsNotHandedToTheNextAcquirerWhoFetchesAgain()
    {
        var cache = Cache(10 * BuildBytes);
        await _source.AddAsync(A, BuildBytes);
        var gate = _source.Hold(A);
        await AbandonFetchAsync(cache, A);

        gate.SetException(new IOException("connection reset by peer"));
        await UntilFetchEndsAsync(cache, A);
        Assert.Equal([], Cached(cache));

        using (var lease = await cache.AcquireAsync(A, null, Token))
        {
            Assert.True(File.Exists(Path.Combine(lease.Path, "data.bin")));
        }

        Assert.Equal(2, _source.Opens(A));
        Assert.Equal(["a"], Cached(cache));
    }

    [Fact]
    public async Task ASingleBuildLargerThanTheCapIsKeptWhileInUseAndTheLogSaysTheCapIsExceeded()
    {
        var cache = Cache(BuildBytes / 2);
        await _source.AddAsync(A, BuildBytes);
        using (var lease = await cache.AcquireAsync(A, null, Token))
        {
            Assert.Equal(BuildBytes, new FileInfo(Path.Combine(lease.Path, "data.bin")).Length);
            Assert.Equal(["The build cache holds 1000 bytes, over its cap of 500: the 1 builds in use or being fetched are kept"], _log.Lines);
        }

        Assert.Equal(["a"], Cached(cache));
        await UseAsync(cache, B, bytes: 100);
        Assert.Equal(["b"], Cached(cache));
        Assert.Equal(100, cache.SizeBytes);
    }

    [Fact]
    public async Task ARestartedCacheEvictsInTheOrderOfTheLastUsesItFindsOnDisk()
    {
        var before = Cache(3 * BuildBytes);
        await UseAsync(before, A);
        await UseAsync(before, B);
        await UseAsync(before, A);
        Assert.Equal(["a", "b"], Cached(before));

        // What a worker killed mid-fetch and mid-eviction leaves behind.
        var abandoned = Directory.CreateDirectory(Path.Combine(CacheRoot, ".incoming", $"{C}-0123"));
        abandoned.LastWriteTimeUtc = _time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2);
        Directory.CreateDirectory(Path.Combine(CacheRoot, ".evicting", $"{D}-4567", "deep"));
        Directory.CreateDirectory(Path.Combine(CacheRoot, "not-a-build"));

        _time.Advance(TimeSpan.FromHours(1));
        var after = Cache(2 * BuildBytes + 500);
        Assert.Equal(2 * BuildBytes, after.SizeBytes);
        Assert.False(Directory.Exists(abandoned.FullName));
        Assert.False(Directory.Exists(Path.Combine(CacheRoot, ".evicting", $"{D}-4567")));

        await UseAsync(after, C);
        Assert.Equal(["a", "c"], Cached(after));
        Assert.True(Directory.Exists(Path.Combine(CacheRoot, "not-a-build")));
        Assert.Equal(1, _source.Opens(A));
    }

    /// <summary>Archives of one-file builds, served by hash; a fetch can be held open to catch it in flight.</summary>
    private sealed class Builds(string directory) : IBuildSource
    {
        private readonly Dictionary<string, string> _archives = [];
        private readonly Dictionary<string, int> _opens = [];
        private readonly Dictionary<string, TaskCompletionSource> _holds = [];
        private readonly Dictionary<string, TaskCompletionSource> _opened = [];

        public async Task AddAsync(string hash, int bytes)
        {
            if (_archives.ContainsKey(hash))
            {
                return;
            }

            var tree = Path.Combine(directory, "src", hash);
            Directory.CreateDirectory(tree);
            await File.WriteAllBytesAsync(Path.Combine(tree, "data.bin"), new byte[bytes], Token);
            _archives[hash] = (await BuildArchive.PackAsync(tree, Path.Combine(directory, $"{hash}.tar.gz"), Token)).Path;
        }

        public int Opens(string hash)
        {
            lock (_opens)
            {
                return _opens.GetValueOrDefault(hash);
            }
        }

        /// <summary>Holds the next open of the build until the returned source is set; a fault there fails that open.</summary>
        public TaskCompletionSource Hold(string hash)
        {
            _opened[hash] = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _holds[hash] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public Task Opened(string hash) => _opened[hash].Task;

        public async Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken)
        {
            lock (_opens)
            {
                _opens[hash] = _opens.GetValueOrDefault(hash) + 1;
            }

            if (_holds.Remove(hash, out var hold))
            {
                _opened[hash].TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }

            return File.OpenRead(_archives[hash]);
        }
    }
}

/// <summary>Keeps the formatted messages a component logs.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add(formatter(state, exception));
        }
    }
}
