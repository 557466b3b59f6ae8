using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Hearth.Worker.Builds;

/// <summary>Where the cache gets a build it does not hold: the supervisor's build store, in production.</summary>
internal interface IBuildSource
{
    /// <summary>Opens the archive of build <paramref name="hash"/>.</summary>
    Task<Stream> OpenAsync(string hash, CancellationToken cancellationToken);
}

/// <summary>The build could not be fetched or unpacked; the message says why.</summary>
internal sealed class BuildFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The worker's local cache of builds, content-addressed by hash: <c>ROOT/HASH/</c> holds the unpacked build.
/// A build is fetched once, even when several instances of it cold-start together; it is unpacked beside the
/// cache and moved into place whole, so a directory under its hash is always complete.
/// </summary>
internal sealed class BuildCache(string root, IBuildSource source)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);

    public string Root { get; } = Path.GetFullPath(root);

    public bool Contains(string hash) => Directory.Exists(PathOf(hash));

    public string PathOf(string hash) => Path.Combine(Root, hash);

    /// <summary>The build's directory, fetching and unpacking it first when it is not cached.</summary>
    public async Task<string> EnsureAsync(string hash, string? expectedSha256, CancellationToken cancellationToken)
    {
        var path = PathOf(hash);
        if (Directory.Exists(path))
        {
            return path;
        }

        var fetch = _inFlight.GetOrAdd(hash, h => new Lazy<Task<string>>(() => FetchAsync(h, expectedSha256, CancellationToken.None)));
        try
        {
            return await fetch.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (fetch.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(hash, fetch));
            }
        }
    }

    private async Task<string> FetchAsync(string hash, string? expectedSha256, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(Root, ".incoming");
        Directory.CreateDirectory(incoming);
        var stem = Path.Combine(incoming, $"{hash}-{Guid.NewGuid():N}");
        var archivePath = stem + ".tar.gz";
        try
        {
            string sha;
            var source1 = await OpenAsync(hash, cancellationToken).ConfigureAwait(false);
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
                    try
                    {
                        await BuildArchive.UnpackAsync(file, stem, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
                    {
                        throw new BuildFetchException($"build {hash} could not be unpacked: {e.Message}", e);
                    }
                }
            }

            var target = PathOf(hash);
            try
            {
                Directory.Move(stem, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another worker process sharing this cache got there first; its copy is the same build.
                Directory.Delete(stem, recursive: true);
            }

            return target;
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

    private async Task<Stream> OpenAsync(string hash, CancellationToken cancellationToken)
    {
        try
        {
            return await source.OpenAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new BuildFetchException($"cannot fetch build {hash}: {e.Message}", e);
        }
    }
}
