namespace Hearth.Supervisor.Jobs;

/// <summary>A request the API refuses; the message says what is wrong.</summary>
public sealed class InvalidRequestException(string message) : Exception(message);
