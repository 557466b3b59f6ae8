namespace Hearth.Supervisor.Storage;

/// <summary>Reservations: what the admin asked to keep warm. Their status lives in memory; the reconciler derives it.</summary>
public interface IReservationStore
{
    Task<IReadOnlyList<ReservationRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds a reservation (its <c>Id</c> and <c>Version</c> are ignored) and returns it as stored, with its new ID. Throws
    /// <see cref="ConcurrencyConflictException"/> when a reservation of the same target for the same account exists.
    /// </summary>
    Task<ReservationRecord> AddAsync(ReservationRecord reservation, CancellationToken cancellationToken);

    /// <summary>Sets the count of the reservation at <paramref name="expectedVersion"/>; null when it is gone or has moved on.</summary>
    Task<ReservationRecord?> SetCountAsync(long id, int count, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Removes a reservation; false when there is none with that ID.</summary>
    Task<bool> RemoveAsync(long id, CancellationToken cancellationToken);

    /// <summary>Adds to the call counters of reservations that still exist, in one transaction.</summary>
    Task AddCallsAsync(IReadOnlyList<ReservationCallCounts> counts, CancellationToken cancellationToken);
}
