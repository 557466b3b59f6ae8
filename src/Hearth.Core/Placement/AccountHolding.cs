namespace Hearth.Core.Placement;

/// <summary>What one account holds now: processors held by its subjobs, and its instances (placed or being placed).</summary>
public readonly record struct AccountHolding(int Slots, int Instances);
