using System.Collections.Concurrent;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Auth;

/// <summary>
/// Remembers recent key lookups for a few seconds so a busy client does not cost a database read per request.
/// A revoked key therefore keeps working for at most <see cref="Lifetime"/>.
/// </summary>
public sealed class KeyCache(IKeyStore keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async Task<ApiKeyRecord?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(hash, out var hit) && hit.Until > now)
        {
            return hit.Key;
        }

        var key = await keys.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[hash] = (key, now + Lifetime);
        return key;
    }
}
