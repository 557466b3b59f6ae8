namespace Hearth.Core.Algorithms;

/// <summary>
/// Version references resolved against an algorithm's versions and builds, with SPEC section 4's access rules:
/// <list type="bullet">
/// <item>none or <c>latest</c>: the latest public version, for anyone;</item>
/// <item><c>latestPrivate</c>: the latest private version, for members only;</item>
/// <item><c>1.2.3</c>: that version, for anyone when public, members only when private;</item>
/// <item><c>1.2</c>, <c>1.2.*</c>: the latest public match, for anyone;</item>
/// <item>a hash: that build, for members only unless some version publishes it public.</item>
/// </list>
/// </summary>
public static class VersionResolver
{
    public static Resolution Resolve(AlgorithmEntry algorithm, VersionReference reference, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(caller);
        var name = algorithm.Name;
        var member = caller.IsMemberOf(name.Owner);
        switch (reference.Kind)
        {
            case VersionReferenceKind.LatestPublic:
                return algorithm.Latest(Visibility.Public) is { } latest
                    ? Found(algorithm, latest)
                    : Resolution.Refused(Refusal.NotFound(member && algorithm.Versions.Count > 0
                        ? $"{name} has no public version; call {name}/latestPrivate or a version to reach a private one"
                        : $"{name} has no public version"));

            case VersionReferenceKind.LatestPrivate:
                if (!member)
                {
                    return Resolution.Refused(Refusal.Forbidden(
                        $"latestPrivate of {name} is for members of {name.Owner} only, and {caller.Account} is not one"));
                }

                return algorithm.Latest(Visibility.Private) is { } latestPrivate
                    ? Found(algorithm, latestPrivate)
                    : Resolution.Refused(Refusal.NotFound($"{name} has no private version"));

            case VersionReferenceKind.Exact:
                var exact = algorithm.FindVersion(reference.Exact!.Value);
                if (exact is null)
                {
                    return Resolution.Refused(Refusal.NotFound($"{name} has no version {reference.Exact}"));
                }

                return exact.Visibility == Visibility.Public || member
                    ? Found(algorithm, exact)
                    : Resolution.Refused(Refusal.Forbidden(
                        $"version {exact.Version} of {name} is private to members of {name.Owner}, and {caller.Account} is not one"));

            case VersionReferenceKind.Partial:
                return algorithm.Latest(Visibility.Public, reference.Matches) is { } match
                    ? Found(algorithm, match)
                    : Resolution.Refused(Refusal.NotFound($"{name} has no public version matching {reference.Text}"));

            case VersionReferenceKind.Hash:
                var hash = reference.Hash!;
                var build = algorithm.FindBuild(hash);
                if (build is null)
                {
                    return Resolution.Refused(Refusal.NotFound($"{name} has no build {hash}"));
                }

                if (algorithm.IsPublishedPublic(hash))
                {
                    return Resolution.Of(new ResolvedBuild(name, build, algorithm.HighestVersionOf(hash, publicOnly: !member)?.Version));
                }

                return member
                    ? Resolution.Of(new ResolvedBuild(name, build, algorithm.HighestVersionOf(hash, publicOnly: false)?.Version))
                    : Resolution.Refused(Refusal.Forbidden(
                        $"build {hash} of {name} is not published public; only members of {name.Owner} may call it, and {caller.Account} is not one"));

            default:
                throw new ArgumentOutOfRangeException(nameof(reference), reference.Kind, "unknown version reference kind");
        }
    }

    private static Resolution Found(AlgorithmEntry algorithm, AlgorithmVersion version)
    {
        var build = algorithm.FindBuild(version.Hash)
            ?? throw new InvalidOperationException($"{algorithm.Name} version {version.Version} names build {version.Hash}, which is missing");
        return Resolution.Of(new ResolvedBuild(algorithm.Name, build, version.Version));
    }
}
