using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Supervisor.Auth;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Keys handed to instances as <c>ALGORITHMIA_API_KEY</c>, so an algorithm can call others as its caller. Each is
/// scoped to the instance's calling account intersected with what the algorithm's owner may reach (see
/// <see cref="Hearth.Core.Algorithms.Caller.Within"/>), and lives only as long as the instance: a key whose instance the pool no
/// longer holds is refused and forgotten. They are kept in memory only, never stored: a restarted supervisor has
/// none, and instances it adopts then call without one.
/// </summary>
internal sealed class InstanceKeys
{
    private const string Prefix = "hearth_instance_";

    private readonly ConcurrentDictionary<string, (InstanceScope Scope, string InstanceId)> _byHash = new(StringComparer.Ordinal);

    public string Issue(string instanceId, string account, string algorithmOwner)
    {
        var key = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _byHash[ApiKeys.Hash(key)] = (new InstanceScope(account, algorithmOwner), instanceId);
        return key;
    }

    /// <summary>Whom <paramref name="key"/> calls for, or null when it is not an instance key or its instance has stopped.</summary>
    public InstanceScope? Identify(string key, Func<string, bool> instanceLives)
    {
        ArgumentNullException.ThrowIfNull(instanceLives);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !_byHash.TryGetValue(ApiKeys.Hash(key), out var entry))
        {
            return null;
        }

        if (instanceLives(entry.InstanceId))
        {
            return entry.Scope;
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

/// <summary>An instance key's scope: the account that called the instance, and the owner of the instance's algorithm.</summary>
internal sealed record InstanceScope(string Account, string AlgorithmOwner);
