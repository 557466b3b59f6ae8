namespace Hearth.Supervisor.Storage;

/// <summary>The stored schema is not one this supervisor can use, e.g. it was written by a newer one.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
