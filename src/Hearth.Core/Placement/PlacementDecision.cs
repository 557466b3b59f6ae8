namespace Hearth.Core.Placement;

/// <summary>One decision of a placement cycle.</summary>
public abstract record PlacementDecision(string WorkId, string Host, Allocation Allocation);
