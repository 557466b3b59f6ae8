namespace Hearth.Core.Resources;

/// <summary>One parsed <c>type.name=quantity</c> item.</summary>
public sealed record ResourceRequestItem(ResourceName Resource, GrantMode Mode, int Min, int? Max)
{
    public static ResourceRequestItem Exactly(ResourceName resource, int count) =>
        new(resource, GrantMode.Exact, count, count);

    public bool IsElastic => Mode != GrantMode.Exact;

    /// <summary>The resource's dense number, for the ledger's arrays.</summary>
    internal int Number { get; } = ResourceIndex.Of(Resource);

    public string ModeText => Mode switch
    {
        GrantMode.Exact => "exact",
        GrantMode.Greedy => "greedy",
        GrantMode.Idle => "idle",
        _ => "range",
    };

    public override string ToString() => Mode switch
    {
        GrantMode.Exact => $"{Resource}={Min}",
        GrantMode.Greedy => $"{Resource}={Min}+",
        GrantMode.Idle => $"{Resource}={Min}*",
        _ => $"{Resource}={Min}-{Max}",
    };
}
