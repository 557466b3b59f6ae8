using System.Collections.Concurrent;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Auth;

/// <summary>
/// Key lookups from memory: every authenticated request looks its key up, and a call to a warm algorithm must not
/// pay a database round trip for it. Found keys are remembered for <see cref="Lifetime"/>; a revocation through this
/// store takes effect at once, one made around it (another supervisor on the same database) within the lifetime.
/// Unknown keys are never remembered, so guessing cannot fill memory. While the store is in trouble a key found before
/// is still taken, however long ago: what the supervisor serves from memory stays open to the keys that had it.
/// </summary>
internal sealed class CachedKeyStore(IKeyStore inner, TimeProvider time) : IKeyStore
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Record, DateTimeOffset Until)> _byHash = new(StringComparer.Ordinal);
    private long _revocations;

    public async Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_byHash.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Record;
        }

        // A read that overlapped a revocation may hold the row from before it: answer with it once, never cache it.
        var revocations = Interlocked.Read(ref _revocations);
        ApiKeyRecord? record;
        try
        {
            record = await inner.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (cached.Record is not null && StoreErrors.Classify(e) is not null)
        {
            return cached.Record;
        }

        if (record is not null && Interlocked.Read(ref _revocations) == revocations)
        {
            _byHash[hash] = (record, now + Lifetime);
        }
        else
        {
            _byHash.TryRemove(hash, out _);
        }

        return record;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken) => inner.AddAsync(key, cancellationToken);

    public async Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _revocations);
        var revoked = await inner.RevokeAsync(id, expectedVersion, at, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _revocations);
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.Record.Id == id)
            {
                _byHash.TryRemove(hash, out _);
            }
        }

        return revoked;
    }
}
