namespace Hearth.Supervisor.Storage;

/// <summary>What a readiness probe learns from the store: whether it answers, and whether its schema is the expected one.</summary>
public sealed record StoreStatus(bool Reachable, int SchemaVersion, int ExpectedVersion, string? Problem)
{
    public bool Ready => Reachable && SchemaVersion == ExpectedVersion;
}
