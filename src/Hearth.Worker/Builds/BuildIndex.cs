using Microsoft.Extensions.Logging;

namespace Hearth.Worker.Builds;

/// <summary>
/// The build cache's index and size cap. Which builds are cached, their sizes and last uses are kept in memory, loaded once from
/// the cache directory. A build's last use is also written to disk as its directory's modification time: the
/// build's files are immutable, so the directory's own time is free to carry it, it changes atomically with no
/// index file to keep consistent with the directories (or to lose in a crash), and an operator sees the eviction
/// order with <c>ls -lt</c>. So a restarted worker evicts in the same order as the one before it.
/// </summary>
/// <param name="isFetching">Whether a fetch of a build is under way: such a build is never evicted.</param>
internal sealed partial class BuildIndex(string root, long capacityBytes, TimeProvider time, Func<string, bool> isFetching, ILogger logger)
{
    private const string EvictingDirectory = ".evicting";
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private readonly ILogger _logger = logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CachedBuild> _builds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _leases = new(StringComparer.Ordinal);
    private bool _loaded;

    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>The bytes of the builds cached now, as last measured.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                Load();
                return _builds.Values.Sum(b => b.Size);
            }
        }
    }

    /// <summary>Counts a lease on <paramref name="hash"/>; true when the build is cached already (and then it is used now).</summary>
    public bool Pin(string hash)
    {
        lock (_gate)
        {
            Load();
            _leases[hash] = _leases.GetValueOrDefault(hash) + 1;
            if (!_builds.TryGetValue(hash, out var build))
            {
                return false;
            }

            if (!Directory.Exists(PathOf(hash)))
            {
                // Removed behind the cache's back: fetch it again.
                _builds.Remove(hash);
                return false;
            }

            Touch(hash, build);
            return true;
        }
    }

    public bool IsIndexed(string hash)
    {
        lock (_gate)
        {
            return _builds.ContainsKey(hash) && Directory.Exists(PathOf(hash));
        }
    }

    /// <summary>A lease ended: the build was in use until now. Its size is measured again, as an instance may write into its directory.</summary>
    public void Release(string hash)
    {
        if (Unpin(hash, touch: true) && Directory.Exists(PathOf(hash)))
        {
            var size = SizeOf(PathOf(hash));
            lock (_gate)
            {
                if (_builds.TryGetValue(hash, out var build))
                {
                    build.Size = size;
                }
            }
        }
    }

    /// <summary>Drops one lease; true when it was the last.</summary>
    public bool Unpin(string hash, bool touch)
    {
        lock (_gate)
        {
            var count = _leases.GetValueOrDefault(hash) - 1;
            if (count > 0)
            {
                _leases[hash] = count;
            }
            else
            {
                _leases.Remove(hash);
            }

            if (touch && _builds.TryGetValue(hash, out var build))
            {
                Touch(hash, build);
            }

            return count <= 0;
        }
    }

    /// <summary>A fetched build is in place: it is indexed as used now, and the cache is trimmed to its cap.</summary>
    public void Fetched(string hash, long size)
    {
        lock (_gate)
        {
            Load();
            var build = new CachedBuild(size, time.GetUtcNow());
            _builds[hash] = build;
            Touch(hash, build);
        }

        Trim();
    }

    /// <summary>
    /// Evicts least recently used builds until the cache fits its cap. A build under a lease (its instance is running
    /// or starting) or being fetched is never evicted; when those alone exceed the cap, the cache stays over it and says so.
    /// </summary>
    public void Trim()
    {
        var evicted = new List<(string Hash, CachedBuild Build, string Doomed)>();
        long total;
        int inUse;
        lock (_gate)
        {
            Load();
            total = _builds.Values.Sum(b => b.Size);
            var candidates = _builds.Where(b => !_leases.ContainsKey(b.Key) && !isFetching(b.Key))
                .OrderBy(b => b.Value.LastUse).ThenBy(b => b.Key, StringComparer.Ordinal).ToList();
            foreach (var (hash, build) in candidates)
            {
                if (total <= CapacityBytes)
                {
                    break;
                }

                // Moved aside first, in one step, so no one ever sees a half-deleted build under its hash.
                var doomed = Path.Combine(root, EvictingDirectory, $"{hash}-{Guid.NewGuid():N}");
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(doomed)!);
                    Directory.Move(PathOf(hash), doomed);
                }
                catch (DirectoryNotFoundException)
                {
                    doomed = "";
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LogEvictionFailed(hash, e.Message);
                    continue;
                }

                _builds.Remove(hash);
                total -= build.Size;
                evicted.Add((hash, build, doomed));
            }

            inUse = _builds.Keys.Count(h => _leases.ContainsKey(h) || isFetching(h));
        }

        foreach (var (hash, build, doomed) in evicted)
        {
            if (doomed.Length > 0)
            {
                TryDelete(doomed);
            }

            LogBuildEvicted(hash, build.Size, build.LastUse, total, CapacityBytes);
        }

        if (total > CapacityBytes)
        {
            LogOverCapacity(total, CapacityBytes, inUse);
        }
    }

    /// <summary>Reads the cache directory once: each build's size and last use, and clears what a crash left behind.</summary>
    private void Load()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        Directory.CreateDirectory(root);
        TryDelete(Path.Combine(root, EvictingDirectory));
        var incoming = new DirectoryInfo(Path.Combine(root, ".incoming"));
        if (incoming.Exists)
        {
            // Fetches this worker started died with it; a recent entry may be another process's fetch under way.
            var cutoff = time.GetUtcNow() - AbandonedAfter;
            foreach (var entry in incoming.EnumerateFileSystemInfos().Where(e => e.LastWriteTimeUtc < cutoff))
            {
                TryDelete(entry.FullName);
            }
        }

        foreach (var directory in new DirectoryInfo(root).EnumerateDirectories())
        {
            if (IsHash(directory.Name))
            {
                _builds[directory.Name] = new CachedBuild(SizeOf(directory.FullName), directory.LastWriteTimeUtc);
            }
        }
    }

    private void Touch(string hash, CachedBuild build)
    {
        build.LastUse = time.GetUtcNow();
        try
        {
            Directory.SetLastWriteTimeUtc(PathOf(hash), build.LastUse.UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The time in memory still orders this worker's evictions; only a restart would see an older one.
        }
    }

    /// <summary>The bytes of a build's regular files; links are not followed, as their targets are not the build's.</summary>
    internal static long SizeOf(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        long size = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", options))
            {
                size += file.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Going away as it is measured; what was counted stands.
        }

        return size;
    }

    private string PathOf(string hash) => Path.Combine(root, hash);

    private static bool IsHash(string name) => name.Length == 40 && name.All(char.IsAsciiHexDigitLower);

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in .evicting or .incoming, which the next start clears.
        }
    }

    private sealed class CachedBuild(long size, DateTimeOffset lastUse)
    {
        public long Size { get; set; } = size;

        public DateTimeOffset LastUse { get; set; } = lastUse;
    }
}
