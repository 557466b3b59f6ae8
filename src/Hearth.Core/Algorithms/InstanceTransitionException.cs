namespace Hearth.Core.Algorithms;

/// <summary>An instance asked to do what its state does not allow.</summary>
public sealed class InstanceTransitionException(string message) : InvalidOperationException(message);
