namespace Hearth.Supervisor.Storage;

/// <summary>The store cannot be reached, or refused what start-up needs; the message says which store and why.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The store is reachable but its disk is full: answered 507 rather than 503, since only an operator can help.</summary>
    public bool Full { get; init; }

    /// <summary>How long a client should wait before trying again, for its <c>Retry-After</c>.</summary>
    public TimeSpan RetryAfter => Full ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2);
}
