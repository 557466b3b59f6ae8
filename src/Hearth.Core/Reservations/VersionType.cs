namespace Hearth.Core.Reservations;

/// <summary>What a reservation's algorithm reference follows (SPEC section 5).</summary>
public enum VersionType
{
    /// <summary><c>latest_public</c>: the highest public version; it moves on every public publish.</summary>
    LatestPublic,

    /// <summary><c>latest_private</c>: the highest private version, for members of the owner.</summary>
    LatestPrivate,

    /// <summary><c>latest_compiled</c>: the most recently pushed build, published or not, for members.</summary>
    LatestCompiled,

    /// <summary><c>semver</c>: one published version, <c>X.Y.Z</c>.</summary>
    Semver,

    /// <summary><c>hash</c>: one build, by its 40-hex hash.</summary>
    Hash,
}
