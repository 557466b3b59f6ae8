using System.Diagnostics;
using Npgsql;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// A PostgreSQL store's claim: a session advisory lock held on a connection of its own for as long as the
/// supervisor runs. The server drops the lock with the session, at once when the supervisor process dies and
/// within about 11 s (its TCP keepalives) when its machine or network does: well within the workers' fencing
/// timeout (the heartbeat timeout less a heartbeat interval, 22.5 s by default), so a standby that takes over
/// then still finds their processes running. The session is checked every two seconds. One that was lost (the
/// server restarted, the network failed) is replaced and the lock taken again, as often as needed for as long as
/// <see cref="HoldFor"/> allows; <see cref="Lost"/> fires when another supervisor holds it meanwhile, or when that
/// time runs out.
/// </summary>
internal sealed class PostgresClaim : IStoreClaim
{
    private const long Key = PostgresBackend.MigrationLock + 1;
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private const int PingTimeoutSeconds = 3;

    /// <summary>How long the server takes to drop the session of a supervisor it no longer hears: the keepalives set on it, 5 + 3 x 2 s.</summary>
    private static readonly TimeSpan SessionDrop = TimeSpan.FromSeconds(11);

    /// <summary>What the stop itself may take: the worker streams close at once, the rest does not confirm heartbeats.</summary>
    private static readonly TimeSpan StopSlack = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _hold;
    private readonly string _connectionString;
    private readonly string _describe;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection _connection;
    private Task _watch = Task.CompletedTask;

    private PostgresClaim(string connectionString, string describe, NpgsqlConnection connection, TimeSpan hold)
    {
        _hold = hold;
        _connectionString = connectionString;
        _describe = describe;
        _connection = connection;
    }

    public CancellationToken Lost => _lost.Token;

    /// <summary>
    /// How long a claim whose session was lost may go on trying to take its lock again, counted from the last time its
    /// session answered. Another supervisor can take the lock only once the server has dropped the session, 11 s after
    /// it last heard from it at the earliest when the network failed (at once when the server restarted, but then the
    /// server is down, and this claim, trying every half second, learns as soon as it is back who won). That one
    /// requeues the workers' work a heartbeat timeout and fencing margin after it starts, while the workers of this
    /// one stop theirs a heartbeat timeout after this one last confirmed a heartbeat. So this one must stop within the
    /// 11 s and the fencing margin, less a second for the stop: 17.5 s with the default 30 s heartbeat timeout.
    /// Any outage shorter than that, with nobody else taking the lock, costs nothing but the wait.
    /// </summary>
    public static TimeSpan HoldFor(TimeSpan heartbeatTimeout) => SessionDrop + Scheduling.SchedulerSettings.FenceMarginFor(heartbeatTimeout) - StopSlack;

    public static async Task<IStoreClaim> TakeAsync(string connectionString, string describe, TimeSpan wait, TimeSpan hold, CancellationToken cancellationToken)
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
                var claim = new PostgresClaim(builder.ConnectionString, describe, connection, hold);
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

    /// <summary>Checks the session every two seconds; a lost one is replaced and the lock taken again, or the claim is lost.</summary>
    private async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            // On the real clock, as the server's keepalives and the workers' fencing. A session that answered was alive
            // when it was asked, no later.
            var confirmed = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(CheckEvery, stop).ConfigureAwait(false);
                var asked = Stopwatch.GetTimestamp();
                if (await AliveAsync(stop).ConfigureAwait(false) || await RegainAsync(_hold - Stopwatch.GetElapsedTime(confirmed), stop).ConfigureAwait(false))
                {
                    confirmed = asked;
                    continue;
                }

                await _lost.CancelAsync().ConfigureAwait(false);
                return;
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

    /// <summary>Takes the lock again on a new session, trying every half second for up to <paramref name="within"/>; false when another holds it or time runs out.</summary>
    private async Task<bool> RegainAsync(TimeSpan within, CancellationToken stop)
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        if (within <= TimeSpan.Zero)
        {
            return false;
        }

        // Bounded as a whole: a connection attempt into a cut network would otherwise wait out its own timeout.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop);
        bound.CancelAfter(within);
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
