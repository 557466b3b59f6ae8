namespace Hearth.Core.Algorithms;

/// <summary>A call waiting for an instance of its key, until <see cref="Deadline"/>.</summary>
public sealed record WaitingCall(long Id, string Account, InstanceTemplate Template, DateTimeOffset QueuedAt, DateTimeOffset Deadline)
{
    public PoolKey Key => PoolKey.Of(Account, Template);
}
