using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Worker.Builds;

/// <summary>
/// The worker's local cache of builds, content-addressed by hash: <c>ROOT/HASH/</c> holds the unpacked build.
/// A build is fetched once, even when several instances of it cold-start together; it is unpacked beside the
/// cache and moved into place whole, so a directory under its hash is always complete. The cache is capped in
/// size: after each fetch the least recently used builds nobody holds a lease on are evicted until it fits.
/// </summary>
internal sealed class BuildCache
{
    /// <summary>The default cap, 10 GiB: a few dozen typical model builds.</summary>
    public const long DefaultCapacityBytes = 10240L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<Task<FetchedBuild>>> _inFlight = new(StringComparer.Ordinal);
    private readonly IBuildSource _source;
    private readonly BuildIndex _index;

    public BuildCache(string root, IBuildSource source, long capacityBytes = DefaultCapacityBytes, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        Root = Path.GetFullPath(root);
        _source = source;
        _index = new BuildIndex(Root, capacityBytes, time ?? TimeProvider.System, _inFlight.ContainsKey, logger ?? NullLogger.Instance);
    }

    public string Root { get; }

    /// <summary>The size the cache is trimmed to after a fetch; builds in use may hold it above.</summary>
    public long CapacityBytes => _index.CapacityBytes;

    /// <summary>The bytes of the builds cached now, as last measured.</summary>
    public long SizeBytes => _index.SizeBytes;

    public bool Contains(string hash) => Directory.Exists(PathOf(hash));

    public string PathOf(string hash) => Path.Combine(Root, hash);

    /// <summary>Whether a fetch of the build is under way.</summary>
    internal bool IsFetching(string hash) => _inFlight.ContainsKey(hash);

    /// <summary>
    /// The build's directory, fetched and unpacked first when it is not cached, under a lease: the build is not
    /// evicted until the lease is disposed, which marks it used at that moment.
    /// </summary>
    public async Task<BuildLease> AcquireAsync(string hash, string? expectedSha256, CancellationToken cancellationToken, string? grant = null)
    {
        if (_index.Pin(hash))
        {
            return new BuildLease(this, hash, PathOf(hash));
        }

        try
        {
            var fetch = _inFlight.GetOrAdd(hash, h => NewFetch(h, expectedSha256, grant));
            var fetched = await fetch.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new BuildLease(this, hash, fetched.Path) { Unpacking = fetched.Unpacking };
        }
        catch
        {
            _index.Unpin(hash, touch: false);
            throw;
        }
    }

    /// <summary>
    /// One fetch shared by everyone acquiring the build meanwhile. It leaves <see cref="_inFlight"/> itself when it
    /// ends, whether or not anyone still waits: a build is not held unevictable by a fetch whose waiters all gave up,
    /// and a failure is not handed to the next acquirer, who fetches again.
    /// </summary>
    private Lazy<Task<FetchedBuild>> NewFetch(string hash, string? expectedSha256, string? grant)
    {
        Lazy<Task<FetchedBuild>>? fetch = null;
        fetch = new Lazy<Task<FetchedBuild>>(() => FetchThenForgetAsync(hash, expectedSha256, grant, fetch!));
        return fetch;
    }

    private async Task<FetchedBuild> FetchThenForgetAsync(string hash, string? expectedSha256, string? grant, Lazy<Task<FetchedBuild>> fetch)
    {
        try
        {
            return await FetchAsync(hash, expectedSha256, grant, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(hash, fetch));
        }
    }

    private async Task<FetchedBuild> FetchAsync(string hash, string? expectedSha256, string? grant, CancellationToken cancellationToken)
    {
        if (_index.IsIndexed(hash))
        {
            // A fetch of it finished between this caller's look and its joining the fetch.
            return new FetchedBuild(PathOf(hash), TimeSpan.Zero);
        }

        var incoming = Path.Combine(Root, ".incoming");
        Directory.CreateDirectory(incoming);
        var stem = Path.Combine(incoming, $"{hash}-{Guid.NewGuid():N}");
        var archivePath = stem + ".tar.gz";
        try
        {
            string sha;
            TimeSpan unpacking;
            var source1 = await OpenAsync(hash, grant, cancellationToken).ConfigureAwait(false);
            await using (source1.ConfigureAwait(false))
            {
                var file = new FileStream(archivePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    await source1.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    file.Position = 0;
                    sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
                    if (expectedSha256 is not null && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new BuildFetchException($"build {hash} arrived corrupted: its archive's SHA-256 is {sha}, expected {expectedSha256}");
                    }

                    file.Position = 0;
                    var unpackStarted = Stopwatch.GetTimestamp();
                    try
                    {
                        await BuildArchive.UnpackAsync(file, stem, cancellationToken).ConfigureAwait(false);
                        unpacking = Stopwatch.GetElapsedTime(unpackStarted);
                    }
                    catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
                    {
                        throw new BuildFetchException($"build {hash} could not be unpacked: {e.Message}", e);
                    }
                }
            }

            var target = PathOf(hash);
            var size = BuildIndex.SizeOf(stem);
            try
            {
                Directory.Move(stem, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another worker process sharing this cache got there first; its copy is the same build.
                Directory.Delete(stem, recursive: true);
            }

            _index.Fetched(hash, size);
            return new FetchedBuild(target, unpacking);
        }
        finally
        {
            File.Delete(archivePath);
            if (Directory.Exists(stem))
            {
                Directory.Delete(stem, recursive: true);
            }
        }
    }

    private async Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenAsync(hash, grant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new BuildFetchException($"cannot fetch build {hash}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Evicts least recently used builds until the cache fits its cap. A build under a lease (its instance is running
    /// or starting) or being fetched is never evicted; when those alone exceed the cap, the cache stays over it and says so.
    /// </summary>
    public void Trim() => _index.Trim();

    /// <summary>A lease ended: the build was in use until now.</summary>
    internal void Release(string hash) => _index.Release(hash);
}
