namespace Hearth.Supervisor.Storage;

/// <summary>A write lost a race: the stored row is not at the version the writer read.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
