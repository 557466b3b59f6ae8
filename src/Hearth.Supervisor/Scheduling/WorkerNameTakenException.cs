namespace Hearth.Supervisor.Scheduling;

/// <summary>Another worker process holds the name on a live connection; the message names where from and since when.</summary>
public sealed class WorkerNameTakenException(string message) : Exception(message);
