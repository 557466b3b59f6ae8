namespace Hearth.Core.Placement;

/// <summary>Work refused at submission; the message says why.</summary>
public sealed class PlacementException(string message) : InvalidOperationException(message);
