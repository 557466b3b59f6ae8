using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Hearth.Core.Algorithms;

namespace Hearth.Worker.Builds;

/// <summary>
/// Builds travel as gzip-compressed tar archives (PAX format): files with their Unix modes and symbolic links, in
/// <see cref="BuildTree"/> order, without <c>.git</c>.
/// </summary>
internal static class BuildArchive
{
    public static async Task<ArchiveInfo> PackAsync(string directory, string archivePath, CancellationToken cancellationToken)
    {
        var output = new FileStream(archivePath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var hashing = new HashingStream(output, sha);
            await using (hashing.ConfigureAwait(false))
            {
                var gzip = new GZipStream(hashing, CompressionLevel.Fastest, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                    await using (tar.ConfigureAwait(false))
                    {
                        foreach (var file in BuildTree.List(directory))
                        {
                            await WriteEntryAsync(tar, file, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }

            return new ArchiveInfo(archivePath, output.Length, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
    }

    /// <summary>
    /// Extracts into <paramref name="directory"/>, which must be empty or missing, checking every entry with
    /// <see cref="BuildArchiveRules"/> first (the supervisor checked at push; a worker trusts no archive it did not
    /// make). Throws <see cref="InvalidDataException"/> naming the entry, never a path on this machine.
    /// </summary>
    public static async Task UnpackAsync(Stream archive, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var rules = new BuildArchiveRules();
        var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            var tar = new TarReader(gzip);
            await using (tar.ConfigureAwait(false))
            {
                while (await NextAsync(tar, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    string? path;
                    try
                    {
                        path = rules.Check(entry);
                    }
                    catch (BuildArchiveException e)
                    {
                        throw new InvalidDataException(e.Message, e);
                    }

                    if (path is not null)
                    {
                        await ExtractAsync(entry, path, directory, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static async Task<TarEntry?> NextAsync(TarReader tar, CancellationToken cancellationToken)
    {
        try
        {
            return await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException(BuildArchiveRules.Unreadable(e), e);
        }
    }

    private static async Task ExtractAsync(TarEntry entry, string path, string directory, CancellationToken cancellationToken)
    {
        var target = path.Length == 0 ? directory : Path.Combine(directory, path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.SymbolicLink:
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                default:
                    await entry.ExtractToFileAsync(target, overwrite: false, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's message names the file by its absolute path here, which is nobody else's business.
            throw new InvalidDataException($"the build archive's entry \"{entry.Name}\" cannot be unpacked: {e.GetType().Name switch
            {
                nameof(UnauthorizedAccessException) => "permission denied",
                _ when File.Exists(target) || Directory.Exists(target) => "it is there already (a duplicate entry?)",
                _ => e.Message.Replace(directory, "", StringComparison.Ordinal),
            }}", e);
        }
    }

    private static async Task WriteEntryAsync(TarWriter tar, BuildFile file, CancellationToken cancellationToken)
    {
        if (file.IsLink)
        {
            var link = new PaxTarEntry(TarEntryType.SymbolicLink, file.RelativePath)
            {
                LinkName = new FileInfo(file.FullPath).LinkTarget!,
            };
            await tar.WriteEntryAsync(link, cancellationToken).ConfigureAwait(false);
            return;
        }

        var data = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (data.ConfigureAwait(false))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, file.RelativePath)
            {
                Mode = BuildTree.ModeOf(file.FullPath),
                ModificationTime = DateTimeOffset.UnixEpoch,
                DataStream = data,
            };
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Passes writes through to the archive file while hashing them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash sha) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            sha.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            sha.AppendData(buffer);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            sha.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
