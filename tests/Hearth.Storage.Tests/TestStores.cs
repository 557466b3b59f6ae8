using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>One storage backend as the contracts see it: fresh stores, an unreachable one, and raw access behind the backend's back.</summary>
public abstract class TestStores : IDisposable
{
    /// <summary>A new, empty store (not migrated), and a way to open it again.</summary>
    public abstract Task<StoreLocation> CreateStoreAsync(CancellationToken cancel);

    /// <summary>A backend over a store that cannot be reached at all.</summary>
    public abstract IStorageBackend CreateUnreachableBackend();

    /// <summary>Records a migration this code does not carry, as a newer version would have.</summary>
    public abstract Task RecordForeignMigrationAsync(StoreLocation location, int version, CancellationToken cancel);

    /// <summary>Runs SQL on a store directly, behind the backend's back.</summary>
    public abstract Task ExecuteAsync(StoreLocation location, string sql, CancellationToken cancel);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
