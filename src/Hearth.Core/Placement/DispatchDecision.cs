namespace Hearth.Core.Placement;

/// <summary>Start <paramref name="WorkId"/> on <paramref name="Host"/> holding <paramref name="Allocation"/>.</summary>
public sealed record DispatchDecision(string WorkId, string Host, Allocation Allocation)
    : PlacementDecision(WorkId, Host, Allocation);
