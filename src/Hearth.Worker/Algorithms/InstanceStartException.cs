namespace Hearth.Worker.Algorithms;

/// <summary>The instance could not be started: it failed to spawn, exited while loading, or took too long to load.</summary>
internal sealed class InstanceStartException(string message) : Exception(message);
