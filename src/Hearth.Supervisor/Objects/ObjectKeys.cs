namespace Hearth.Supervisor.Objects;

/// <summary>
/// The keys an object store takes: segments of ASCII letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, joined by
/// <c>/</c>, none empty, none <c>.</c> or <c>..</c>, none starting with a dot, at most 1,024 characters. The supervisor
/// names every object itself (data files by an ID of their own), so these rules never bind a user's names, and every
/// key is a safe relative path on any backend.
/// </summary>
public static class ObjectKeys
{
    public const int MaxLength = 1024;

    public static string? Why(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > MaxLength)
        {
            return $"an object key is 1 to {MaxLength} characters, not {key.Length}";
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment[0] == '.')
            {
                return $"object key \"{key}\" has an empty segment or one starting with a dot";
            }

            if (segment.Length > 200)
            {
                return $"object key \"{key}\" has a segment longer than 200 characters";
            }

            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                {
                    return $"object key \"{key}\" has the character '{c}'; keys are letters, digits, '.', '_', '-' and '/'";
                }
            }
        }

        return null;
    }

    public static string Check(string key) => Why(key) is { } why ? throw new ArgumentException(why, nameof(key)) : key;

    /// <summary>A listing's prefix: empty, or keys' leading characters, with the same character rules.</summary>
    public static string CheckPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Length == 0 || Why(prefix.TrimEnd('/') is { Length: > 0 } p ? p : "x") is null
            ? prefix
            : throw new ArgumentException($"object key prefix \"{prefix}\" is not made of key characters", nameof(prefix));
    }
}
