using System.Formats.Tar;

namespace Hearth.Core.Algorithms;

/// <summary>
/// What a build archive may hold, checked entry by entry in archive order, by the supervisor when a build is pushed
/// and again by a worker as it unpacks one: regular files, directories and symbolic links, at relative paths without
/// <c>..</c>, without setuid or setgid bits, relative links that stay inside the build (<c>..</c> only at the start of
/// a target), and nothing placed through a link.
/// Anything else (device nodes, FIFOs, hard links, sparse files) is refused, and so is a path that appears twice: which
/// copy would land on disk would depend on who unpacks it. One instance per archive: it remembers the paths and links.
/// </summary>
public sealed class BuildArchiveRules
{
    private readonly HashSet<string> _links = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>
    /// The entry's path relative to the build's top ("" for the top itself), or null for a metadata entry that
    /// creates nothing; throws <see cref="BuildArchiveException"/> for an entry that is not allowed.
    /// </summary>
    public string? Check(TarEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var name = entry.Name;
        var kind = entry.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory or TarEntryType.SymbolicLink => null,
            TarEntryType.GlobalExtendedAttributes => "",
            TarEntryType.CharacterDevice => "a character device",
            TarEntryType.BlockDevice => "a block device",
            TarEntryType.Fifo => "a FIFO",
            TarEntryType.HardLink => "a hard link",
            TarEntryType.SparseFile => "a sparse file (as tar --sparse writes)",
            _ => $"an entry of type {entry.EntryType}",
        };
        if (kind == "")
        {
            return null;
        }

        if (kind is not null)
        {
            throw Refuse(name, $"is {kind}; a build holds only regular files, directories and symbolic links");
        }

        var path = RelativePath(name);
        if (path.Length > 0 && !_paths.Add(path))
        {
            throw Refuse(name, "appears twice; each path may appear only once in a build");
        }

        if ((entry.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
        {
            throw Refuse(name, "has the setuid or setgid bit; a build may not carry either");
        }

        var parent = path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : "";
        for (var at = parent; at.Length > 0; at = at.Contains('/', StringComparison.Ordinal) ? at[..at.LastIndexOf('/')] : "")
        {
            if (_links.Contains(at))
            {
                throw Refuse(name, $"lies under the symbolic link \"{at}\"; nothing may be placed through a link");
            }
        }

        if (entry.EntryType == TarEntryType.SymbolicLink)
        {
            CheckLink(name, parent, entry.LinkName);
            _links.Add(path);
        }

        return path;
    }

    /// <summary>The entry's name without a leading <c>./</c> or trailing <c>/</c>, refused if absolute or climbing out with <c>..</c>.</summary>
    private static string RelativePath(string name)
    {
        if (name.StartsWith('/'))
        {
            throw Refuse(name, "is an absolute path; entries must be relative to the build's top");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw Refuse(name, "has a \"..\" component; entries must stay inside the build");
        }

        return string.Join('/', segments);
    }

    private static void CheckLink(string name, string parent, string target)
    {
        if (target.Length == 0 || target.StartsWith('/'))
        {
            throw Refuse(name, $"is a symbolic link to \"{target}\"; links must be relative and stay inside the build");
        }

        // ".." only leads: it climbs the link's own parents, which are real directories (nothing is placed through a
        // link), so the climb is exactly as it reads. Past a name, the target may pass through other links, whose own
        // targets stay inside the build, so it never climbs out through one.
        var depth = parent.Length == 0 ? 0 : parent.Split('/').Length;
        var named = false;
        foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."))
        {
            if (segment != "..")
            {
                named = true;
            }
            else if (named)
            {
                throw Refuse(name, $"is a symbolic link to \"{target}\", with \"..\" after a name; write the target without it");
            }
            else if (--depth < 0)
            {
                throw Refuse(name, $"is a symbolic link to \"{target}\", outside the build; links must stay inside it");
            }
        }
    }

    /// <summary>
    /// Why an archive's entry could not even be read: the tar reader refuses some entry types (a GNU sparse file, as
    /// <c>tar --sparse</c> writes) before their name is known, so the type is what the message names.
    /// </summary>
    public static string Unreadable(NotSupportedException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Message.Contains(nameof(TarEntryType.SparseFile), StringComparison.Ordinal)
            ? "the build archive holds a sparse file (as tar --sparse writes); a build holds only regular files, directories and symbolic links: pack it without --sparse"
            : $"the build archive holds an entry of a type a build may not have ({error.Message.TrimEnd('.')}); a build holds only regular files, directories and symbolic links";
    }

    private static BuildArchiveException Refuse(string name, string why) => new($"the build archive's entry \"{name}\" {why}");
}
