namespace Hearth.Core.Reservations;

/// <summary>The wire names of <see cref="VersionType"/>, as the API, the CLI and the admin page write them.</summary>
public static class VersionTypes
{
    /// <summary>Every version type in the order the admin page lists them.</summary>
    public static IReadOnlyList<VersionType> All { get; } =
        [VersionType.LatestPublic, VersionType.LatestPrivate, VersionType.LatestCompiled, VersionType.Semver, VersionType.Hash];

    /// <summary>The names joined for messages: <c>latest_public, latest_private, latest_compiled, semver or hash</c>.</summary>
    public static string Choices { get; } = "latest_public, latest_private, latest_compiled, semver or hash";

    public static string Name(this VersionType type) => type switch
    {
        VersionType.LatestPublic => "latest_public",
        VersionType.LatestPrivate => "latest_private",
        VersionType.LatestCompiled => "latest_compiled",
        VersionType.Semver => "semver",
        VersionType.Hash => "hash",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown version type"),
    };

    /// <summary>A <c>latest_*</c> type follows the algorithm as it changes and takes no version of its own.</summary>
    public static bool IsLatest(this VersionType type) => type is VersionType.LatestPublic or VersionType.LatestPrivate or VersionType.LatestCompiled;

    /// <summary>Parses a wire name exactly (lower case, underscores).</summary>
    public static bool TryParse(string? text, out VersionType type)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), text, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
