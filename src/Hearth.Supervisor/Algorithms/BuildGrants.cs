using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// What the worker key may download from the build store: the build of an instance the supervisor has asked a worker
/// to start, by the grant sent with that request, until the instance is ready or gone or its worker's stream ends.
/// Every worker shares one key, so the key alone opens no build; the grant, which only the asked worker received,
/// names the one it may. Thread-safe.
/// </summary>
internal sealed class BuildGrants
{
    /// <summary>The request header a worker sends a grant in.</summary>
    public const string Header = "Hearth-Build-Grant";

    private readonly ConcurrentDictionary<string, Grant> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byInstance = new(StringComparer.Ordinal);

    /// <summary>Lets <paramref name="session"/>'s worker fetch <paramref name="hash"/> while it starts <paramref name="instanceId"/>; returns the grant.</summary>
    public string Issue(WorkerSession session, string instanceId, string hash)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _byToken[token] = new Grant(session, instanceId, BuildHash.Normalize(hash));
        if (_byInstance.TryGetValue(instanceId, out var old))
        {
            _byToken.TryRemove(old, out _);
        }

        _byInstance[instanceId] = token;
        return token;
    }

    /// <summary>The instance is ready or gone: its build is no longer the worker's to fetch.</summary>
    public void Revoke(string instanceId)
    {
        if (_byInstance.TryRemove(instanceId, out var token))
        {
            _byToken.TryRemove(token, out _);
        }
    }

    /// <summary>The session ended: nothing it was asked to start may be fetched with its grants any more.</summary>
    public void Revoke(WorkerSession session)
    {
        foreach (var (token, grant) in _byToken)
        {
            if (grant.Session == session && _byToken.TryRemove(KeyValuePair.Create(token, grant)))
            {
                _byInstance.TryRemove(KeyValuePair.Create(grant.InstanceId, token));
            }
        }
    }

    /// <summary>Whether <paramref name="token"/> is a live grant for build <paramref name="hash"/>.</summary>
    public bool Allows(string? token, string hash) =>
        token is not null && _byToken.TryGetValue(token, out var grant) && grant.Hash == BuildHash.Normalize(hash);

    private sealed record Grant(WorkerSession Session, string InstanceId, string Hash);
}
