using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Supervisor.Auth;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Keys handed to instances as <c>ALGORITHMIA_API_KEY</c>, so an algorithm can call others as its caller. Each is
/// scoped to the instance's calling account and lives only as long as the instance: a key whose instance the pool no
/// longer holds is refused and forgotten. They are kept in memory only, never stored: a restarted supervisor has
/// none, and instances it adopts then call without one.
/// </summary>
internal sealed class InstanceKeys
{
    private const string Prefix = "hearth_instance_";

    private readonly ConcurrentDictionary<string, (string Account, string InstanceId)> _byHash = new(StringComparer.Ordinal);

    public string Issue(string instanceId, string account)
    {
        var key = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _byHash[ApiKeys.Hash(key)] = (account, instanceId);
        return key;
    }

    /// <summary>The account <paramref name="key"/> calls as, or null when it is not an instance key or its instance has stopped.</summary>
    public string? Identify(string key, Func<string, bool> instanceLives)
    {
        ArgumentNullException.ThrowIfNull(instanceLives);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !_byHash.TryGetValue(ApiKeys.Hash(key), out var entry))
        {
            return null;
        }

        if (instanceLives(entry.InstanceId))
        {
            return entry.Account;
        }

        _byHash.TryRemove(ApiKeys.Hash(key), out _);
        return null;
    }

    /// <summary>The instance <paramref name="key"/> was issued to, or null when it is not an instance key this supervisor issued.</summary>
    public string? InstanceOf(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && _byHash.TryGetValue(ApiKeys.Hash(key), out var entry) ? entry.InstanceId : null;

    /// <summary>Forgets the keys of an instance that has stopped.</summary>
    public void Revoke(string instanceId)
    {
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.InstanceId == instanceId)
            {
                _byHash.TryRemove(hash, out _);
            }
        }
    }
}
