using Hearth.Core.Algorithms;
using Hearth.Core.Placement;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The warm pool as the scheduling loop sees it. Instance work lives on the loop's ledger like subjobs' work, and the
/// loop alone changes the ledger; the pool owns the instances. During a cycle the loop only reads the pool; what the
/// cycle did to instance work reaches the pool in one <see cref="Apply"/> after the cycle's commit.
/// </summary>
public interface IInstanceWork
{
    /// <summary>The ledger priority of instance work.</summary>
    int InstancePriority { get; }

    /// <summary>How long a worker gives an instance it is told to stop.</summary>
    TimeSpan StopGrace { get; }

    /// <summary>True when <paramref name="workId"/> is an instance the pool holds.</summary>
    bool Owns(string workId);

    /// <summary>The instance's state, or null when the pool does not hold it.</summary>
    InstanceState? StateOf(string instanceId);

    /// <summary>The instances the pool has placed on <paramref name="worker"/>, with their states.</summary>
    IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker);

    /// <summary>Instances still waiting for a place, whose work a rebuilt ledger queues again.</summary>
    IReadOnlyList<AlgorithmInstance> Unplaced();

    /// <summary>The warm-pool policy's decisions on the pool as it is now and the cluster after placement; nothing is applied.</summary>
    WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now);

    /// <summary>
    /// After a commit, the cycle's instance effects in the order they happened. Returns when the warm-pool policy
    /// should look again because of them (an adopted instance's idle timeout), or null.
    /// </summary>
    DateTimeOffset? Apply(IReadOnlyList<InstanceEffect> effects);
}
