using Npgsql;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

internal sealed class PostgresReservationStore(PostgresBackend backend) : IReservationStore
{
    /// <summary>SQLSTATE class 23: the same target is already reserved for that account, or the row breaks a check.</summary>
    private const string IntegrityViolationClass = "23";
    private const string Columns =
        "id, calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, warm_calls, spilled_calls, version";

    public async Task<IReadOnlyList<ReservationRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM reservations ORDER BY id");
        return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReservationRecord> AddAsync(ReservationRecord reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"""
            INSERT INTO reservations (calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
            RETURNING {Columns}
            """,
            Value(reservation.CallingUser), Value(reservation.Owner), Value(reservation.Name), Value(reservation.VersionType), Value(reservation.PinnedVersion ?? ""),
            Value(reservation.Count), Value(Db(reservation.Schedule)), Value(reservation.TimeZone), Time(reservation.CreatedAt));
        try
        {
            return (await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false))[0];
        }
        catch (PostgresException e) when (e.SqlState.StartsWith(IntegrityViolationClass, StringComparison.Ordinal))
        {
            throw new ConcurrencyConflictException(
                $"{reservation.CallingUser} already has a {reservation.VersionType} reservation of {reservation.Owner}/{reservation.Name}");
        }
    }

    public async Task<ReservationRecord?> SetCountAsync(long id, int count, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"UPDATE reservations SET count = $1, version = version + 1 WHERE id = $2 AND version = $3 RETURNING {Columns}",
            Value(count), Value(id), Value(expectedVersion));
        var updated = await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        return updated.Count == 0 ? null : updated[0];
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "DELETE FROM reservations WHERE id = $1", Value(id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task AddCallsAsync(IReadOnlyList<ReservationCallCounts> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }

        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var count in counts)
        {
            batch.BatchCommands.Add(BatchCommand(
                "UPDATE reservations SET warm_calls = warm_calls + $1, spilled_calls = spilled_calls + $2 WHERE id = $3",
                Value(count.Warm), Value(count.Spilled), Value(count.Id)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ReservationRecord Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5) is { Length: > 0 } pinned ? pinned : null,
        r.GetInt32(6), ReadText(r, 7), r.GetString(8), ReadTime(r, 9)!.Value, r.GetInt64(10), r.GetInt64(11), r.GetInt64(12));
}
