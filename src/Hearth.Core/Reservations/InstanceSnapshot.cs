using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>An algorithm instance as the reconciler sees it: whose, which build, where, and which reservation holds it.</summary>
public sealed record InstanceSnapshot(
    string Id,
    string Account,
    string Hash,
    SemanticVersion? Version,
    InstanceState State,
    string? Worker,
    string? ReservationId,
    DateTimeOffset? ReadyAt,
    DateTimeOffset LastUsed)
{
    public static InstanceSnapshot Of(AlgorithmInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new(instance.Id, instance.Account, instance.Template.Hash, instance.Template.Version, instance.State, instance.Worker,
            instance.ReservationId, instance.ReadyAt, instance.LastUsed);
    }

    /// <summary>Loaded and able to take calls: idle or busy.</summary>
    public bool IsWarm => State is InstanceState.Idle or InstanceState.Busy;
}
