namespace Hearth.Worker.Sandboxing;

/// <summary>
/// A host directory an account's jobs see at the same path, read-write or read-only: a worker's <c>job_mounts</c>
/// entry, written <c>/mnt/projects:rw</c> or <c>/mnt/library:ro</c>.
/// </summary>
public sealed record JobMount(string Path, bool Writable)
{
    /// <summary>Parses <c>PATH:rw</c> or <c>PATH:ro</c> (an absolute path); throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static JobMount Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        var (path, mode) = colon < 0 ? (text, "") : (text[..colon], text[(colon + 1)..]);
        if (mode is not ("rw" or "ro"))
        {
            throw new ArgumentException($"job mount \"{text}\": expected PATH:rw or PATH:ro");
        }

        if (!System.IO.Path.IsPathFullyQualified(path) || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"job mount \"{text}\": {path} is not an absolute path");
        }

        var normal = path.Length > 1 ? path.TrimEnd('/') : path;
        if (normal == "/")
        {
            throw new ArgumentException($"job mount \"{text}\": the root directory cannot be a job mount");
        }

        return new JobMount(normal, mode == "rw");
    }

    /// <summary>Whether <paramref name="directory"/> is this mount or under it.</summary>
    public bool Holds(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var full = System.IO.Path.GetFullPath(directory).TrimEnd('/');
        return full == Path || full.StartsWith(Path + "/", StringComparison.Ordinal);
    }

    public override string ToString() => $"{Path}:{(Writable ? "rw" : "ro")}";
}
