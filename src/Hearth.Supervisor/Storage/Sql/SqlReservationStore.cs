using System.Data.Common;
using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlReservationStore(SqlBackend backend) : IReservationStore
{
    public async Task<IReadOnlyList<ReservationRecord>> ListAsync(CancellationToken cancellationToken) =>
        await backend.QueryAsync($"SELECT {ReservationColumns} FROM reservations ORDER BY id", [], backend.Rows.Reservation, cancellationToken).ConfigureAwait(false);

    public async Task<ReservationRecord> AddAsync(ReservationRecord reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            return (await backend.QueryFirstAsync(
                $"""
                INSERT INTO reservations (calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
                RETURNING {ReservationColumns}
                """,
                [
                    reservation.CallingUser, reservation.Owner, reservation.Name, reservation.VersionType, reservation.PinnedVersion ?? "",
                    reservation.Count, reservation.Schedule, reservation.TimeZone, reservation.CreatedAt,
                ],
                backend.Rows.Reservation,
                cancellationToken).ConfigureAwait(false))!;
        }
        catch (DbException e) when (backend.Dialect.IsConstraintViolation(e))
        {
            throw new ConcurrencyConflictException(
                $"{reservation.CallingUser} already has a {reservation.VersionType} reservation of {reservation.Owner}/{reservation.Name}");
        }
    }

    public Task<ReservationRecord?> SetCountAsync(long id, int count, long expectedVersion, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync(
            $"UPDATE reservations SET count = $1, version = version + 1 WHERE id = $2 AND version = $3 RETURNING {ReservationColumns}",
            [count, id, expectedVersion],
            backend.Rows.Reservation,
            cancellationToken);

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken) =>
        await backend.ExecuteAsync("DELETE FROM reservations WHERE id = $1", [id], cancellationToken).ConfigureAwait(false) == 1;

    public async Task AddCallsAsync(IReadOnlyList<ReservationCallCounts> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }

        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var batch = backend.Batch(connection, transaction))
        {
            foreach (var count in counts)
            {
                batch.Add("UPDATE reservations SET warm_calls = warm_calls + $1, spilled_calls = spilled_calls + $2 WHERE id = $3", [count.Warm, count.Spilled, count.Id]);
            }

            await batch.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
