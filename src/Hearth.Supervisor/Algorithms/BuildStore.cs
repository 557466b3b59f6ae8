using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The supervisor's content-addressed build store: <c>DIR/builds/HASH.tar.gz</c>. An upload is written beside the
/// store, hashed, opened to read its manifest, then moved into place whole; a hash already stored keeps its first
/// archive, since builds are immutable.
/// </summary>
internal sealed class BuildStore
{
    public const long MaxArchiveBytes = 4L * 1024 * 1024 * 1024;

    private const int MaxManifestBytes = 1024 * 1024;

    private readonly string _root;
    private readonly string _incoming;

    public BuildStore(string dataDirectory)
    {
        _root = Path.Combine(Path.GetFullPath(dataDirectory), "builds");
        _incoming = Path.Combine(_root, ".incoming");
        PrivateFiles.CreateDirectory(_incoming);
    }

    public string PathOf(string hash) => Path.Combine(_root, BuildHash.Parse(hash) + ".tar.gz");

    public bool Contains(string hash) => File.Exists(PathOf(hash));

    /// <summary>Writes an upload to a temporary file and reads its manifest; throws <see cref="RefusedException"/> for a bad archive.</summary>
    public async Task<StagedBuild> StageAsync(Stream body, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(_incoming, Guid.NewGuid().ToString("N") + ".tar.gz");
        try
        {
            string sha;
            long size;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    if (file.Length > MaxArchiveBytes)
                    {
                        throw new RefusedException(Refusal.Invalid($"the build archive is larger than {MaxArchiveBytes / (1024 * 1024)} MiB"));
                    }
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                size = file.Length;
                if (size == 0)
                {
                    throw new RefusedException(Refusal.Invalid("the build archive is empty; send the tar.gz of the build directory"));
                }

                file.Position = 0;
                var (manifest, contentHash) = await ReadManifestAsync(file, cancellationToken).ConfigureAwait(false);
                return new StagedBuild(temp, sha, size, manifest, contentHash);
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Keeps a staged archive under <paramref name="hash"/>, unless an archive is already stored there.</summary>
    public void Commit(StagedBuild staged, string hash)
    {
        var target = PathOf(hash);
        if (File.Exists(target))
        {
            File.Delete(staged.TempPath);
            return;
        }

        try
        {
            File.Move(staged.TempPath, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(staged.TempPath);
        }
    }

    public static void Discard(StagedBuild staged) => File.Delete(staged.TempPath);

    public Stream Open(string hash) => new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>
    /// Reads the whole archive: every entry must pass <see cref="BuildArchiveRules"/> before anything is stored, the
    /// manifest is the top's <c>hearth.json</c>, and the build's hash is computed from the content, never taken on trust.
    /// </summary>
    private static async Task<(AlgorithmManifest Manifest, string ContentHash)> ReadManifestAsync(Stream archive, CancellationToken cancellationToken)
    {
        AlgorithmManifest? manifest = null;
        var content = new BuildContentHash();
        try
        {
            var rules = new BuildArchiveRules();
            var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarReader(gzip);
                await using (tar.ConfigureAwait(false))
                {
                    while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        var path = rules.Check(entry);
                        if (path is null or "" || entry.EntryType == TarEntryType.Directory)
                        {
                            continue;
                        }

                        if (entry.EntryType == TarEntryType.SymbolicLink)
                        {
                            content.AddLink(path, entry.LinkName);
                            continue;
                        }

                        var executable = (entry.Mode & UnixFileMode.UserExecute) != 0;
                        if (path != AlgorithmManifest.FileName)
                        {
                            await content.AddFileAsync(path, executable, entry.DataStream, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        if (entry.Length > MaxManifestBytes)
                        {
                            throw new RefusedException(Refusal.Invalid($"{AlgorithmManifest.FileName} is larger than {MaxManifestBytes / 1024} KiB"));
                        }

                        using var bytes = new MemoryStream();
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
                        }

                        bytes.Position = 0;
                        await content.AddFileAsync(path, executable, bytes, cancellationToken).ConfigureAwait(false);
                        try
                        {
                            manifest = AlgorithmManifest.Parse(System.Text.Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
                        }
                        catch (AlgorithmFormatException e)
                        {
                            throw new RefusedException(Refusal.Invalid(e.Message));
                        }
                    }
                }
            }
        }
        catch (BuildArchiveException e)
        {
            throw new RefusedException(Refusal.Invalid(e.Message));
        }
        catch (NotSupportedException e)
        {
            throw new RefusedException(Refusal.Invalid(BuildArchiveRules.Unreadable(e)));
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new RefusedException(Refusal.Invalid($"the build archive is not a readable tar.gz: {e.Message}"));
        }

        return (manifest ?? throw new RefusedException(Refusal.Invalid($"the build archive has no {AlgorithmManifest.FileName} at its top")), content.Finish());
    }
}
