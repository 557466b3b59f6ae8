using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// Tells the store's trouble (unreachable, restarting, busy, out of space) from everything else: trouble passes when
/// the store comes back, so it is answered 503 or 507 and waited out, never taken for a fault in the supervisor.
/// </summary>
internal static class StoreErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;

    /// <summary>The store's trouble behind <paramref name="error"/>, saying what it is; null when the error is not the store's trouble.</summary>
    public static StorageUnavailableException? Classify(Exception error) => error switch
    {
        StorageUnavailableException e => e,
        // disk_full, and out_of_memory or too_many_connections: the server's resources, which come back.
        PostgresException { SqlState: "53100" } e => new($"the PostgreSQL database's disk is full: {e.MessageText}", e) { Full = true },
        PostgresException { SqlState: ['5', '3', ..] or ['5', '7', 'P', ..] or ['0', '8', ..] } e => new($"the PostgreSQL database cannot take work now: {e.MessageText} ({e.SqlState})", e),
        PostgresException => null,
        NpgsqlException e => new($"the PostgreSQL database is unreachable: {e.Message}", e),
        SqliteException { SqliteErrorCode: SqliteFull } e => new($"the SQLite database's disk is full: {e.Message}", e) { Full = true },
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } e => new($"the SQLite database is busy: {e.Message}", e),
        SqliteException { SqliteErrorCode: SqliteIoError or SqliteCannotOpen } e => new($"the SQLite database cannot be written: {e.Message}", e),
        _ => null,
    };
}
