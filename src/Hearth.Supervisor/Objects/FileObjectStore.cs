namespace Hearth.Supervisor.Objects;

/// <summary>
/// The embedded object store: one file per object under a directory (by default <c>--data/objects</c>). Key
/// <c>a/b</c> is the file <c>a/b@</c>, so an object and a longer key's directory never collide (keys never hold
/// <c>@</c>). A put writes a temporary file beside its target, flushes it to disk and renames it into place, so an
/// object is either whole or absent, even across a crash.
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    private const string Suffix = "@";
    private const int BufferSize = 1 << 16;

    private readonly string _root;

    public FileObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Storage.PrivateFiles.CreateDirectory(_root);
    }

    public string Name => $"files {_root}";

    public async Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = PathOf(key);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".put-{Guid.NewGuid():N}");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return Info(key, new FileInfo(target));
    }

    public Task<ObjectRead?> GetAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<ObjectRead?>(null);
        }

        var info = new ObjectInfo(key, file.Length, File.GetLastWriteTimeUtc(file.SafeFileHandle));
        var start = Math.Min(offset, info.Size);
        var count = Math.Min(length ?? long.MaxValue, info.Size - start);
        file.Position = start;
        return Task.FromResult<ObjectRead?>(new ObjectRead(info, start, count, new BoundedReadStream(file, count)));
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? Info(key, file) : null);
    }

    public Task<ObjectPage> ListAsync(string prefix, string? marker, int max, CancellationToken cancellationToken)
    {
        ObjectKeys.CheckPrefix(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : Path.Combine(_root, prefix[..slash]);
        if (!Directory.Exists(start))
        {
            return Task.FromResult(new ObjectPage([], null));
        }

        var found = new List<(string Key, FileInfo File)>();
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*" + Suffix, SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(_root, file.FullName);
            var key = relative[..^Suffix.Length].Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && (marker is null || string.CompareOrdinal(key, marker) > 0) && ObjectKeys.Why(key) is null)
            {
                found.Add((key, file));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var page = found.Take(max).Select(f => Info(f.Key, f.File)).ToList();
        return Task.FromResult(new ObjectPage(page, found.Count > max ? page[^1].Key : null));
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string key) => Path.Combine(_root, ObjectKeys.Check(key).Replace('/', Path.DirectorySeparatorChar) + Suffix);

    private static ObjectInfo Info(string key, FileInfo file) => new(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
}
