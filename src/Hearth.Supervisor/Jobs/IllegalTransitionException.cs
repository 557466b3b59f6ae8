namespace Hearth.Supervisor.Jobs;

/// <summary>An entity was asked for a change its state does not allow.</summary>
public sealed class IllegalTransitionException(string message) : InvalidOperationException(message);
