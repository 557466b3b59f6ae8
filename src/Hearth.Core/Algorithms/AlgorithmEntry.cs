namespace Hearth.Core.Algorithms;

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
