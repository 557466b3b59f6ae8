namespace Hearth.Core.Placement;

/// <summary>The decisions of one cycle, and the freed hosts it examined for growth.</summary>
public sealed record PlacementPlan(IReadOnlyList<PlacementDecision> Decisions, IReadOnlyList<int> ExaminedHosts)
{
    public static readonly PlacementPlan None = new([], []);
}
