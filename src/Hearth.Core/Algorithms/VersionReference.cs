namespace Hearth.Core.Algorithms;

/// <summary>A parsed version reference. <see cref="Text"/> is what was written, or null when nothing was.</summary>
public sealed record VersionReference(VersionReferenceKind Kind, string? Text)
{
    public static readonly VersionReference Latest = new(VersionReferenceKind.LatestPublic, null);

    /// <summary>Set for <see cref="VersionReferenceKind.Exact"/>.</summary>
    public SemanticVersion? Exact { get; private init; }

    /// <summary>Set for <see cref="VersionReferenceKind.Partial"/>.</summary>
    public int? Major { get; private init; }

    /// <summary>Set for a <see cref="VersionReferenceKind.Partial"/> reference that names a minor version.</summary>
    public int? Minor { get; private init; }

    /// <summary>Set for <see cref="VersionReferenceKind.Hash"/>, in lower case.</summary>
    public string? Hash { get; private init; }

    public static VersionReference Parse(string? text) =>
        TryParse(text, out var reference, out var error) ? reference! : throw new AlgorithmFormatException(error!);

    public static bool TryParse(string? text, out VersionReference? reference, out string? error)
    {
        reference = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            reference = Latest;
            return true;
        }

        if (text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            reference = new VersionReference(VersionReferenceKind.LatestPublic, text);
            return true;
        }

        if (text.Equals("latestPrivate", StringComparison.OrdinalIgnoreCase))
        {
            reference = new VersionReference(VersionReferenceKind.LatestPrivate, text);
            return true;
        }

        if (BuildHash.IsValid(text))
        {
            reference = new VersionReference(VersionReferenceKind.Hash, text) { Hash = BuildHash.Normalize(text) };
            return true;
        }

        var parts = text.Split('.');
        var wildcard = parts.Length is 2 or 3 && parts[^1] == "*";
        var numeric = wildcard ? parts[..^1] : parts;
        if (numeric.Length is < 1 or > 3 || (wildcard && numeric.Length == parts.Length))
        {
            error = Unrecognized(text);
            return false;
        }

        var numbers = new int[numeric.Length];
        for (var i = 0; i < numeric.Length; i++)
        {
            if (!SemanticVersion.TryParsePart(numeric[i], out numbers[i], out var why))
            {
                error = text.Any(char.IsAsciiDigit) && text.All(c => char.IsAsciiDigit(c) || c is '.' or '*')
                    ? $"version \"{text}\": {why}"
                    : Unrecognized(text);
                return false;
            }
        }

        reference = numbers.Length == 3
            ? new VersionReference(VersionReferenceKind.Exact, text) { Exact = new SemanticVersion(numbers[0], numbers[1], numbers[2]) }
            : new VersionReference(VersionReferenceKind.Partial, text) { Major = numbers[0], Minor = numbers.Length == 2 ? numbers[1] : null };
        return true;
    }

    /// <summary>True when <paramref name="version"/> is what a partial reference matches.</summary>
    public bool Matches(SemanticVersion version) => Kind switch
    {
        VersionReferenceKind.Exact => Exact == version,
        VersionReferenceKind.Partial => version.Major == Major && (Minor is null || version.Minor == Minor),
        _ => false,
    };

    private static string Unrecognized(string text) =>
        $"version \"{text}\" is not latest, latestPrivate, a version (1.2.3), a partial version (1.2 or 1.2.*) or a 40-hex build hash";

    public override string ToString() => Text ?? "latest";
}
