namespace Hearth.Core.Resources;

/// <summary>How a reservation item's quantity is granted.</summary>
public enum ReservationMode
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

/// <summary>One parsed <c>type.name=quantity</c> item.</summary>
public sealed record ReservationItem(ResourceName Resource, ReservationMode Mode, int Min, int? Max)
{
    public static ReservationItem Exactly(ResourceName resource, int count) =>
        new(resource, ReservationMode.Exact, count, count);

    public bool IsElastic => Mode != ReservationMode.Exact;

    /// <summary>The resource's dense number, for the ledger's arrays.</summary>
    internal int Number { get; } = ResourceIndex.Of(Resource);

    public string ModeText => Mode switch
    {
        ReservationMode.Exact => "exact",
        ReservationMode.Greedy => "greedy",
        ReservationMode.Idle => "idle",
        _ => "range",
    };

    public override string ToString() => Mode switch
    {
        ReservationMode.Exact => $"{Resource}={Min}",
        ReservationMode.Greedy => $"{Resource}={Min}+",
        ReservationMode.Idle => $"{Resource}={Min}*",
        _ => $"{Resource}={Min}-{Max}",
    };
}
