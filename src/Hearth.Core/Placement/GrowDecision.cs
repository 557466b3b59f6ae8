namespace Hearth.Core.Placement;

/// <summary>Grow running <c>N-M</c> work by <paramref name="Added"/>; <paramref name="Allocation"/> holds the new totals.</summary>
public sealed record GrowDecision(string WorkId, string Host, Allocation Allocation, Allocation Added)
    : PlacementDecision(WorkId, Host, Allocation);
