namespace Hearth.Core.Reservations;

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
