using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// Resolves what a reservation keeps warm, with SPEC section 5's existence and access rules: the calling user and
/// the algorithm must exist, and so must the version; <c>latest_private</c>, <c>latest_compiled</c>, a private
/// semver and a hash not published public need the calling user to be a member of the owning account. The version
/// rules themselves are <see cref="VersionResolver"/>'s, so a reservation reaches exactly what its account's calls do.
/// </summary>
public static class ReservationTargets
{
    public static TargetResolution Resolve(string callingUser, AlgorithmName algorithm, VersionType type, string? version, IReservationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.FindAccount(callingUser) is { } caller
            ? Resolve(caller, algorithm, type, version, catalog)
            : Fail(ReservationFields.CallingUser, UnknownAccount(callingUser));
    }

    internal static string UnknownAccount(string callingUser) =>
        $"calling_user \"{callingUser}\" is not an account or organization; create it first";

    /// <summary>
    /// Only what exists, ignoring access: resolved as a member of the owner would. For reporting a missing algorithm
    /// or version alongside an unknown calling user.
    /// </summary>
    internal static FieldError? CheckExists(AlgorithmName algorithm, VersionType type, string? version, IReservationCatalog catalog) =>
        Resolve(Caller.Of(algorithm.Owner, []), algorithm, type, version, catalog).Error;

    private static TargetResolution Resolve(Caller caller, AlgorithmName algorithm, VersionType type, string? version, IReservationCatalog catalog)
    {
        var callingUser = caller.Account;
        if (catalog.FindAlgorithm(algorithm) is not { } entry)
        {
            return Fail(ReservationFields.Algorithm, $"algorithm {algorithm} does not exist");
        }

        var owner = algorithm.Owner;
        string NotMember(string what) =>
            $"calling_user {callingUser} is not a member of {owner}: {what}, which only members of {owner} may call";

        switch (type)
        {
            case VersionType.LatestPublic:
                return FromResolver(entry, VersionReference.Latest, caller, notFound: $"algorithm {algorithm} has no public version to keep warm; publish one public, or choose another version_type", forbidden: null);

            case VersionType.LatestPrivate:
                return FromResolver(entry, new VersionReference(VersionReferenceKind.LatestPrivate, "latestPrivate"), caller,
                    notFound: $"algorithm {algorithm} has no private version to keep warm; publish one private, or choose another version_type",
                    forbidden: NotMember("version_type latest_private keeps the latest private version warm"));

            case VersionType.LatestCompiled:
                if (!caller.IsMemberOf(owner))
                {
                    return Fail(ReservationFields.CallingUser, NotMember("version_type latest_compiled keeps the latest build warm, published or not"));
                }

                if (entry.LatestBuild is not { } build)
                {
                    return Fail(ReservationFields.Algorithm, $"algorithm {algorithm} has no builds to keep warm; push one first");
                }

                return Found(new ResolvedBuild(algorithm, build, entry.HighestVersionOf(build.Hash, publicOnly: false)?.Version));

            case VersionType.Semver:
                var semver = SemanticVersion.Parse(version ?? throw new ArgumentNullException(nameof(version), "semver needs a version"));
                return FromResolver(entry, VersionReference.Parse(semver.ToString()), caller,
                    notFound: $"algorithm {algorithm} has no version {semver}",
                    forbidden: NotMember($"version {semver} of {algorithm} is private"));

            case VersionType.Hash:
                var hash = BuildHash.Parse(version);
                return FromResolver(entry, VersionReference.Parse(hash), caller,
                    notFound: $"algorithm {algorithm} has no build {hash}",
                    forbidden: NotMember($"build {hash} of {algorithm} is not published public"));

            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown version type");
        }
    }

    /// <summary>Resolves a stored reservation; its fields were checked when it was added, but accounts and access change.</summary>
    public static TargetResolution Resolve(ReservationDefinition reservation, IReservationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return Resolve(reservation.CallingUser, reservation.Algorithm, reservation.VersionType, reservation.Version, catalog);
    }

    private static TargetResolution FromResolver(AlgorithmEntry entry, VersionReference reference, Caller caller, string notFound, string? forbidden)
    {
        var resolution = VersionResolver.Resolve(entry, reference, caller);
        if (resolution.Build is { } build)
        {
            return Found(build);
        }

        return resolution.Refusal!.Kind == RefusalKind.Forbidden
            ? Fail(ReservationFields.CallingUser, forbidden ?? resolution.Refusal.Message)
            : Fail(ReservationFields.Algorithm, notFound);
    }

    private static TargetResolution Found(ResolvedBuild build) =>
        new(new ReservationTarget(build, new InstanceTemplate(build.Algorithm, build.Hash, build.Version, build.Build.Manifest.Resources, build.Build.Manifest.Requirements)), null);

    private static TargetResolution Fail(string field, string message) => new(null, new FieldError(field, message));
}
