namespace Hearth.Supervisor.Scheduling;

/// <summary>A farm control asked for something that does not exist; the message names it.</summary>
public sealed class FarmTargetNotFoundException(string message) : Exception(message);
