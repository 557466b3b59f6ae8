namespace Hearth.Core.Algorithms;

/// <summary>Who may call a published version.</summary>
public enum Visibility
{
    Public,
    Private,
}

/// <summary>An immutable build of an algorithm: its hash, its manifest and when it was pushed.</summary>
public sealed record AlgorithmBuild(string Hash, AlgorithmManifest Manifest, DateTimeOffset PushedAt);

/// <summary>A build published under a semantic version.</summary>
public sealed record AlgorithmVersion(SemanticVersion Version, string Hash, Visibility Visibility, DateTimeOffset PublishedAt);

/// <summary>
/// What the resolver needs to know about one algorithm: its builds, newest last, and its versions.
/// A snapshot; the supervisor builds it from storage.
/// </summary>
public sealed record AlgorithmEntry(AlgorithmName Name, IReadOnlyList<AlgorithmBuild> Builds, IReadOnlyList<AlgorithmVersion> Versions)
{
    public AlgorithmBuild? FindBuild(string hash) => Builds.FirstOrDefault(b => b.Hash == hash);

    public AlgorithmVersion? FindVersion(SemanticVersion version) => Versions.FirstOrDefault(v => v.Version == version);

    /// <summary>The highest published version, of either visibility.</summary>
    public AlgorithmVersion? Highest => Versions.Count == 0 ? null : Versions.MaxBy(v => v.Version);

    /// <summary>The highest version with <paramref name="visibility"/> that <paramref name="match"/> accepts.</summary>
    public AlgorithmVersion? Latest(Visibility visibility, Func<SemanticVersion, bool>? match = null)
    {
        AlgorithmVersion? best = null;
        foreach (var v in Versions)
        {
            if (v.Visibility == visibility && (match is null || match(v.Version)) && (best is null || v.Version > best.Version))
            {
                best = v;
            }
        }

        return best;
    }

    /// <summary>The most recently pushed build, published or not (what a <c>latest_compiled</c> reservation follows).</summary>
    public AlgorithmBuild? LatestBuild => Builds.Count == 0 ? null : Builds.MaxBy(b => b.PushedAt);

    /// <summary>True when some version publishes <paramref name="hash"/> as public.</summary>
    public bool IsPublishedPublic(string hash) => Versions.Any(v => v.Hash == hash && v.Visibility == Visibility.Public);

    /// <summary>The highest version that names <paramref name="hash"/>, public ones first when <paramref name="publicOnly"/>.</summary>
    public AlgorithmVersion? HighestVersionOf(string hash, bool publicOnly)
    {
        AlgorithmVersion? best = null;
        foreach (var v in Versions)
        {
            if (v.Hash == hash && (!publicOnly || v.Visibility == Visibility.Public) && (best is null || v.Version > best.Version))
            {
                best = v;
            }
        }

        return best;
    }
}

/// <summary>How a refusal maps onto HTTP: 400, 401, 403, 404 or 409.</summary>
public enum RefusalKind
{
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
}

/// <summary>A typed refusal: its kind picks the status and its message says why, for a person to act on.</summary>
public sealed record Refusal(RefusalKind Kind, string Message)
{
    public int StatusCode => Kind switch
    {
        RefusalKind.Invalid => 400,
        RefusalKind.Unauthenticated => 401,
        RefusalKind.Forbidden => 403,
        RefusalKind.NotFound => 404,
        _ => 409,
    };

    public static Refusal Invalid(string message) => new(RefusalKind.Invalid, message);

    public static Refusal Forbidden(string message) => new(RefusalKind.Forbidden, message);

    public static Refusal NotFound(string message) => new(RefusalKind.NotFound, message);

    public static Refusal Conflict(string message) => new(RefusalKind.Conflict, message);

    public static Refusal Unauthenticated(string message) => new(RefusalKind.Unauthenticated, message);
}

/// <summary>
/// The account a key belongs to, with the accounts it is a member of: itself and, for a user, every
/// organization that lists it.
/// </summary>
public sealed record Caller(string Account, IReadOnlySet<string> MemberOf)
{
    public static Caller Of(string account, IEnumerable<string> organizations) =>
        new(account, new HashSet<string>(organizations.Append(account), StringComparer.Ordinal));

    /// <summary>Members of an account are the account itself and, for an organization, its member users.</summary>
    public bool IsMemberOf(string owner) => MemberOf.Contains(owner);
}
