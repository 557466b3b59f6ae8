namespace Hearth.Core.Algorithms;

/// <summary>The forms a version reference takes in a call (SPEC section 4).</summary>
public enum VersionReferenceKind
{
    /// <summary>None or <c>latest</c>: the latest public version.</summary>
    LatestPublic,

    /// <summary><c>latestPrivate</c>: the latest private version, for members only.</summary>
    LatestPrivate,

    /// <summary><c>1.2.3</c>: exactly that version.</summary>
    Exact,

    /// <summary><c>1.2</c>, <c>1.2.*</c>, <c>1</c> or <c>1.*</c>: the latest public version matching.</summary>
    Partial,

    /// <summary>40 hex digits: that build.</summary>
    Hash,
}
