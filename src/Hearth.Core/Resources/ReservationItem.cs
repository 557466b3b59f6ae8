namespace Hearth.Core.Resources;

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
