using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hearth.Core.Algorithms;

/// <summary>
/// A build's 40-hex identity, from its content alone: SHA-1 over one record per file, in ordinal order of path, each
/// field NUL-terminated: <c>F</c> or <c>X</c> (executable), path, length and the SHA-256 of its bytes; or <c>L</c>,
/// path and target for a symbolic link. Directories count only through what they hold. The CLI computes it over the
/// directory it packs, the supervisor over the archive it receives, in any order of entries, so the two agree and a
/// client's claim is checked rather than trusted. Renaming, editing or flipping the executable bit changes it.
/// </summary>
public sealed class BuildContentHash
{
    private readonly SortedDictionary<string, string> _records = new(StringComparer.Ordinal);

    /// <summary>Adds a regular file, reading <paramref name="data"/> (null for an empty file) to its end.</summary>
    public async Task AddFileAsync(string path, bool executable, Stream? data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        if (data is not null)
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
        }

        Add(path, string.Create(CultureInfo.InvariantCulture, $"{(executable ? 'X' : 'F')}\0{path}\0{length}\0{Convert.ToHexStringLower(sha.GetHashAndReset())}\0"));
    }

    public void AddLink(string path, string target)
    {
        ArgumentNullException.ThrowIfNull(path);
        Add(path, $"L\0{path}\0{target}\0");
    }

    /// <summary>The hash of everything added.</summary>
    public string Finish()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        foreach (var record in _records.Values)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(record));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private void Add(string path, string record)
    {
        if (!_records.TryAdd(path, record))
        {
            throw new BuildArchiveException($"the build's path \"{path}\" appears twice");
        }
    }
}
