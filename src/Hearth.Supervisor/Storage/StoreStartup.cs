using Hearth.Supervisor.Auth;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// A store opened for one supervisor: its backend, this supervisor's claim on it, the schema migrated and
/// the bootstrap keys in place. Disposing releases the claim and closes the store.
/// </summary>
internal sealed class StoreStartup : IAsyncDisposable
{
    /// <summary>How long one wait for the claim lasts before a standby asks again who holds it (the wait itself retries every half second).</summary>
    private static readonly TimeSpan StandbyRound = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan StandbyRetry = TimeSpan.FromSeconds(1);

    private StoreStartup(IStorageBackend backend, IStoreClaim claim, BootstrapKeys keys)
    {
        Backend = backend;
        Claim = claim;
        Keys = keys;
    }

    public IStorageBackend Backend { get; }

    public IStoreClaim Claim { get; }

    public BootstrapKeys Keys { get; }

    /// <summary>
    /// Claims first, so a second supervisor on the same store stops before it touches anything. A standby
    /// (<see cref="SupervisorOptions.Standby"/>) finding the store held calls <paramref name="standingBy"/> with who
    /// holds it, then waits for as long as it takes.
    /// </summary>
    public static async Task<StoreStartup> OpenAsync(SupervisorOptions options, Func<string, Task>? standingBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var backend = StorageFactory.Create(options);
        IStoreClaim? claim = null;
        try
        {
            claim = options.Standby
                ? await StandByAsync(backend, options, standingBy, cancellationToken).ConfigureAwait(false)
                : await ClaimAsync(backend, options, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Takes the store once its holder lets go, however long that is; an unreachable store is waited out too.</summary>
    private static async Task<IStoreClaim> StandByAsync(IStorageBackend backend, SupervisorOptions options, Func<string, Task>? standingBy, CancellationToken cancellationToken)
    {
        var standing = false;
        string? lastProblem = null;
        while (true)
        {
            try
            {
                var claim = await backend.ClaimAsync(standing ? StandbyRound : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                if (standing)
                {
                    options.Notice?.Invoke("the store is free: taking over");
                }

                return claim;
            }
            catch (StoreInUseException e)
            {
                if (!standing)
                {
                    standing = true;
                    options.Notice?.Invoke($"{e.Message}; standing by until it lets go");
                    if (standingBy is not null)
                    {
                        await standingBy(e.Message).ConfigureAwait(false);
                    }
                }
            }
            catch (StorageUnavailableException e) when (standing)
            {
                if (e.Message != lastProblem)
                {
                    lastProblem = e.Message;
                    options.Notice?.Invoke($"standing by: {e.Message}; retrying");
                }

                await Task.Delay(StandbyRetry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync().ConfigureAwait(false);
        await Claim.DisposeAsync().ConfigureAwait(false);
    }
}
