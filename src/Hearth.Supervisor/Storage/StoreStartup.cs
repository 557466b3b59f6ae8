using Hearth.Supervisor.Auth;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// A store opened for one supervisor: its backend, this supervisor's claim on it, the schema migrated and
/// the bootstrap keys in place. Disposing releases the claim and closes the store.
/// </summary>
internal sealed class StoreStartup : IAsyncDisposable
{
    private StoreStartup(IStorageBackend backend, IStoreClaim claim, BootstrapKeys keys)
    {
        Backend = backend;
        Claim = claim;
        Keys = keys;
    }

    public IStorageBackend Backend { get; }

    public IStoreClaim Claim { get; }

    public BootstrapKeys Keys { get; }

    /// <summary>Claims first, so a second supervisor on the same store stops before it touches anything.</summary>
    public static async Task<StoreStartup> OpenAsync(SupervisorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var backend = StorageFactory.Create(options);
        IStoreClaim? claim = null;
        try
        {
            claim = await ClaimAsync(backend, options, cancellationToken).ConfigureAwait(false);
            await backend.MigrateAsync(cancellationToken).ConfigureAwait(false);
            var keys = await KeyBootstrap.EnsureAsync(backend.Keys, options.DataDirectory, options.Time, cancellationToken).ConfigureAwait(false);
            return new StoreStartup(backend, claim, keys);
        }
        catch
        {
            if (claim is not null)
            {
                await claim.DisposeAsync().ConfigureAwait(false);
            }

            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the store at once if it is free; otherwise says who holds it, then waits up to the configured time.</summary>
    private static async Task<IStoreClaim> ClaimAsync(IStorageBackend backend, SupervisorOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.ClaimAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreInUseException e) when (options.StoreWait > TimeSpan.Zero)
        {
            options.Notice?.Invoke($"{e.Message}; waiting up to {options.StoreWait.TotalSeconds:0} s for it to let go");
            return await backend.ClaimAsync(options.StoreWait, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync().ConfigureAwait(false);
        await Claim.DisposeAsync().ConfigureAwait(false);
    }
}
