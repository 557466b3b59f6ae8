namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker cannot be removed now; the message says why and what to do.</summary>
public sealed class WorkerRemovalRefusedException(string message) : Exception(message);
