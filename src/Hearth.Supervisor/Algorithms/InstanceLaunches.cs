using System.Collections.Concurrent;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// How to start each build, by hash, as its last call or reservation said: what a placed instance is started with.
/// Apart from the pool's lock, and written only when it changes, so a warm call costs it one lock-free read.
/// </summary>
internal sealed class InstanceLaunches
{
    private readonly ConcurrentDictionary<string, InstanceLaunchInfo> _byHash = new(StringComparer.Ordinal);

    public void Remember(string hash, InstanceLaunchInfo launch)
    {
        if (!_byHash.TryGetValue(hash, out var known) || !known.Equals(launch))
        {
            _byHash[hash] = launch;
        }
    }

    /// <summary>Remembers <paramref name="launch"/> unless the build has one already (an adopted instance's report is the weaker word).</summary>
    public void RememberIfNew(string hash, InstanceLaunchInfo launch) => _byHash.TryAdd(hash, launch);

    public InstanceLaunchInfo? Find(string hash) => _byHash.GetValueOrDefault(hash);
}
