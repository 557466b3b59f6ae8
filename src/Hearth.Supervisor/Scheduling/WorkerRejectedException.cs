namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker's registration was refused; the message says why.</summary>
public sealed class WorkerRejectedException(string message) : Exception(message);
