namespace Hearth.Supervisor.Scheduling;

/// <summary>An account key asked for a priority above the admin's floor; the message names the highest it may use.</summary>
public sealed class PriorityNotAllowedException(string message) : Exception(message);
