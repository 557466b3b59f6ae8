using System.Diagnostics;
using Npgsql;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// A PostgreSQL store's claim: a session advisory lock held on a connection of its own for as long as the
/// supervisor runs. The server drops the lock with the session, at once when the supervisor process dies and
/// within about 11 s (its TCP keepalives) when its machine or network does: well within the workers' fencing
/// timeout (the heartbeat timeout less a heartbeat interval, 22.5 s by default), so a standby that takes over
/// then still finds their processes running. The claim is checked every few
/// seconds; if its session was lost and the lock cannot be taken back, <see cref="Lost"/> fires.
/// </summary>
internal sealed class PostgresClaim : IStoreClaim
{
    private const long Key = PostgresBackend.MigrationLock + 1;
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    // A supervisor that may have lost the lock must stop soon: until it does it still confirms its workers'
    // heartbeats, and a standby that took over requeues their work a heartbeat timeout and margin after it started
    // (37.5 s by default), counted from at least the 11 s the server takes to drop a silent session. Checking
    // every 5 s, giving up on a ping after 3 s and on taking the lock back after 5 s stops it within about 15 s.
    private static readonly TimeSpan RegainFor = TimeSpan.FromSeconds(5);
    private const int PingTimeoutSeconds = 3;

    private readonly string _connectionString;
    private readonly string _describe;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection _connection;
    private Task _watch = Task.CompletedTask;

    private PostgresClaim(string connectionString, string describe, NpgsqlConnection connection)
    {
        _connectionString = connectionString;
        _describe = describe;
        _connection = connection;
    }

    public CancellationToken Lost => _lost.Token;

    public static async Task<IStoreClaim> TakeAsync(string connectionString, string describe, TimeSpan wait, CancellationToken cancellationToken)
    {
        // Its own unpooled connection: closing it must end the session, and with it the lock.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = $"hearth-supervisor pid {Environment.ProcessId} on {Environment.MachineName}",
        };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var connection = await TryLockAsync(builder.ConnectionString, describe, cancellationToken).ConfigureAwait(false);
            if (connection is not null)
            {
                var claim = new PostgresClaim(builder.ConnectionString, describe, connection);
                claim._watch = Task.Run(() => claim.WatchAsync(claim._stop.Token), CancellationToken.None);
                return claim;
            }

            if (clock.Elapsed >= wait)
            {
                throw new StoreInUseException(
                    $"{describe} is in use by another supervisor ({await HolderAsync(builder.ConnectionString, cancellationToken).ConfigureAwait(false)}); stop it first");
            }

            // Waiting on another process, so on the real clock.
            await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An open connection holding the lock, or null when another session holds it.</summary>
    private static async Task<NpgsqlConnection?> TryLockAsync(string connectionString, string describe, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // The server notices a vanished supervisor machine by keepalives after about 5 + 3 x 2 s.
            await using var command = new NpgsqlCommand(
                $"SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; SELECT pg_try_advisory_lock({Key})", connection);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return connection;
            }
        }
        catch (PostgresException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException($"{describe}: {e.MessageText} ({e.SqlState})", e);
        }
        catch (NpgsqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException($"cannot reach the {describe}: {e.Message}", e);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private static async Task<string> HolderAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                """
                SELECT a.application_name || COALESCE(' from ' || host(a.client_addr), '') || ' since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ')
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1
                """, connection);
            command.Parameters.Add(new() { Value = unchecked((long)(uint)(Key >> 32)) });
            command.Parameters.Add(new() { Value = unchecked((long)(uint)Key) });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? "holder not visible to this user";
        }
        catch (NpgsqlException e)
        {
            return $"holder unknown: {e.Message}";
        }
    }

    /// <summary>Checks the session every few seconds; a lost one is replaced and the lock taken again, or the claim is lost.</summary>
    private async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(CheckEvery, stop).ConfigureAwait(false);
                if (await AliveAsync(stop).ConfigureAwait(false))
                {
                    continue;
                }

                if (!await RegainAsync(stop).ConfigureAwait(false))
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Released.
        }
    }

    private async Task<bool> AliveAsync(CancellationToken stop)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = PingTimeoutSeconds };
            await ping.ExecuteScalarAsync(stop).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<bool> RegainAsync(CancellationToken stop)
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        // Bounded as a whole: a connection attempt into a cut network would otherwise wait out its own timeout.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop);
        bound.CancelAfter(RegainFor);
        try
        {
            while (true)
            {
                try
                {
                    if (await TryLockAsync(_connectionString, _describe, bound.Token).ConfigureAwait(false) is { } connection)
                    {
                        _connection = connection;
                        return true;
                    }

                    // Another supervisor took the store while this one's session was gone.
                    return false;
                }
                catch (StorageUnavailableException)
                {
                    await Task.Delay(Retry, bound.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }

    public override string ToString() => $"claim on {_describe}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }
}
