namespace Hearth.Worker;

/// <summary>See <see cref="WorkerOptions.OnDisconnect"/>.</summary>
public enum WorkerDisconnectAction
{
    Stop,
    Keep,
}
