namespace Hearth.Supervisor.Scheduling;

/// <summary>A retry by hand cannot be done now; the message says why and what to do.</summary>
public sealed class JobRetryRefusedException(string message) : Exception(message);
