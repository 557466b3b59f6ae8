namespace Hearth.Core.Resources;

/// <summary>How a resource request item's quantity is granted.</summary>
public enum GrantMode
{
    /// <summary><c>N</c>: exactly N units.</summary>
    Exact,

    /// <summary><c>N+</c>: at least N open, then every open unit on the host.</summary>
    Greedy,

    /// <summary><c>N*</c> or <c>all</c>: an idle host with at least N open, then all of them.</summary>
    Idle,

    /// <summary><c>N-M</c>: at least N, as many as are open up to M, growing toward M.</summary>
    Range,
}
