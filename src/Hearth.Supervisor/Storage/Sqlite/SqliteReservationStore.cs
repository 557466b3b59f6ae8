using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

internal sealed class SqliteReservationStore(SqliteBackend backend) : IReservationStore
{
    private const string Columns =
        "id, calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, warm_calls, spilled_calls, version";

    public async Task<IReadOnlyList<ReservationRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM reservations ORDER BY id";
        var list = new List<ReservationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async Task<ReservationRecord> AddAsync(ReservationRecord reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO reservations (calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, version)
            VALUES ($user, $owner, $name, $type, $pinned, $count, $schedule, $zone, $created, 1)
            RETURNING {Columns}
            """;
        command.Parameters.AddWithValue("$user", reservation.CallingUser);
        command.Parameters.AddWithValue("$owner", reservation.Owner);
        command.Parameters.AddWithValue("$name", reservation.Name);
        command.Parameters.AddWithValue("$type", reservation.VersionType);
        command.Parameters.AddWithValue("$pinned", reservation.PinnedVersion ?? "");
        command.Parameters.AddWithValue("$count", reservation.Count);
        command.Parameters.AddWithValue("$schedule", Db(reservation.Schedule));
        command.Parameters.AddWithValue("$zone", reservation.TimeZone);
        command.Parameters.AddWithValue("$created", Db(reservation.CreatedAt));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return Read(reader);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new ConcurrencyConflictException(
                $"{reservation.CallingUser} already has a {reservation.VersionType} reservation of {reservation.Owner}/{reservation.Name}");
        }
    }

    public async Task<ReservationRecord?> SetCountAsync(long id, int count, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE reservations SET count = $count, version = version + 1 WHERE id = $id AND version = $v RETURNING {Columns}";
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$v", expectedVersion);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM reservations WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
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
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = Prepare(connection, transaction,
            "UPDATE reservations SET warm_calls = warm_calls + $warm, spilled_calls = spilled_calls + $spilled WHERE id = $id",
            "$warm", "$spilled", "$id"))
        {
            foreach (var count in counts)
            {
                Bind(command, count.Warm, count.Spilled, count.Id);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ReservationRecord Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5) is { Length: > 0 } pinned ? pinned : null,
        r.GetInt32(6), ReadText(r, 7), r.GetString(8), ReadTime(r, 9)!.Value, r.GetInt64(10), r.GetInt64(11), r.GetInt64(12));
}
