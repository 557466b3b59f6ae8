namespace Hearth.Supervisor.Scheduling;

/// <summary>A farm control was given a value it cannot take; the message says why.</summary>
public sealed class FarmRequestException(string message) : Exception(message);
