using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

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

/// <summary>One worker's resources: what it has in all and what is free now.</summary>
public sealed record HostCapacity(string Name, bool Up, IReadOnlyDictionary<ResourceName, int> Total, IReadOnlyDictionary<ResourceName, int> Free);

/// <summary>The cluster's resources after the last placement cycle, for explaining why an instance cannot be placed.</summary>
public sealed record CapacityView(IReadOnlyList<HostCapacity> Hosts, IReadOnlyDictionary<ResourceName, int> GlobalFree)
{
    public static readonly CapacityView None = new([], new Dictionary<ResourceName, int>());

    public static CapacityView Of(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var hosts = new List<HostCapacity>(ledger.HostCount);
        for (var i = 0; i < ledger.HostCount; i++)
        {
            var usage = ledger.HostUsage(i);
            hosts.Add(new HostCapacity(ledger.HostName(i), ledger.IsOpen(i),
                usage.ToDictionary(u => u.Resource, u => u.Total), usage.ToDictionary(u => u.Resource, u => u.Free)));
        }

        return new CapacityView(hosts, ledger.GlobalUsage().ToDictionary(u => u.Resource, u => u.Free));
    }
}

/// <summary>
/// How a reservation's instances have been faring on one build: consecutive load failures since the last instance
/// came up, and the last one's log line. The supervisor keeps one per reservation and feeds it events; it resets
/// when an instance loads, or when the reservation's target moves to another build.
/// </summary>
public sealed record ReservationHealth(string? Hash, int LoadFailures, DateTimeOffset? LastFailureAt, string? LastFailure)
{
    public static readonly ReservationHealth Healthy = new(null, 0, null, null);

    /// <summary>An instance of <paramref name="hash"/> exited before it printed PIPE_INIT_COMPLETE.</summary>
    public ReservationHealth WithLoadFailure(string hash, DateTimeOffset at, string? lastLogLine) =>
        new(hash, hash == Hash ? LoadFailures + 1 : 1, at, string.IsNullOrWhiteSpace(lastLogLine) ? null : lastLogLine.Trim());

    /// <summary>An instance of <paramref name="hash"/> loaded: the build works.</summary>
    public ReservationHealth WithReady(string hash) => hash == Hash || Hash is null ? Healthy : this;

    /// <summary>Failures that concern <paramref name="hash"/>; failures of a build no longer targeted do not count.</summary>
    public int FailuresOf(string hash) => hash == Hash ? LoadFailures : 0;
}

/// <summary>
/// The reconciler's input: the reservations, what they resolve against, every instance, the capacity and health, and
/// the workers an admin has locked (reserved instances there move elsewhere, make-before-break).
/// </summary>
public sealed record ReservationSnapshot(
    IReadOnlyList<ReservationDefinition> Reservations,
    IReservationCatalog Catalog,
    IReadOnlyList<InstanceSnapshot> Instances,
    CapacityView Capacity,
    IReadOnlyDictionary<string, ReservationHealth> Health,
    IReadOnlySet<string>? LockedWorkers = null)
{
    /// <summary>True when the instance sits on a locked worker.</summary>
    public bool OnLockedWorker(InstanceSnapshot instance) =>
        instance.Worker is { } worker && LockedWorkers is { } locked && locked.Contains(worker);

    public ReservationHealth HealthOf(string reservationId) => Health.GetValueOrDefault(reservationId) ?? ReservationHealth.Healthy;
}
