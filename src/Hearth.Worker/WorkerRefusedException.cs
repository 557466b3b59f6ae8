namespace Hearth.Worker;

/// <summary>The worker refused to go on: its key or its registration was refused. Retrying would not help.</summary>
public sealed class WorkerRefusedException(string message) : Exception(message);
