namespace Hearth.Supervisor.Jobs;

/// <summary>A field of a request that is larger than its documented limit; the message names the field and the limit.</summary>
public sealed class FieldTooLargeException(string message) : Exception(message);
