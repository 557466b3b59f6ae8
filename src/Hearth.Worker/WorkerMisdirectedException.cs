namespace Hearth.Worker;

/// <summary>The worker was given a URL that is not the supervisor's API, such as its worker port. Retrying would not help.</summary>
public sealed class WorkerMisdirectedException(string message) : Exception(message);
