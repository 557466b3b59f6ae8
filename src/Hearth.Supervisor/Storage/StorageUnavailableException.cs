namespace Hearth.Supervisor.Storage;

/// <summary>The store cannot be reached, or refused what start-up needs; the message says which store and why.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
