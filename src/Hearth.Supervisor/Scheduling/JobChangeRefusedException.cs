namespace Hearth.Supervisor.Scheduling;

/// <summary>A change a job cannot take in its state; the message says why.</summary>
public sealed class JobChangeRefusedException(string message) : Exception(message);
