using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Hearth.Testing;

/// <summary>
/// A real PostgreSQL 15 server for the tests that need one, started on first use: <c>initdb</c> into a
/// temporary directory, then <c>pg_ctl start</c> on a free 127.0.0.1 port with its unix socket in that
/// directory. As root the server runs as the <c>postgres</c> user, which PostgreSQL insists on. It is stopped
/// and its directory deleted when the test run ends. When it cannot start, every test that asks for it fails
/// with the reason and the server's log: a PostgreSQL test never passes by not running.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Overrides where the server binaries are, e.g. for another PostgreSQL version.</summary>
    public const string BinVariable = "HEARTH_TEST_PG_BIN";

    private const string DefaultBin = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _directory;
    private int _port;
    private string? _settings;
    private Exception? _failure;
    private int _databases;
    private int _stopped;

    public PostgresServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();

    /// <summary>
    /// Where the server binaries are: <see cref="BinVariable"/>, else PostgreSQL 15's Debian location, else the newest
    /// other version installed beside it (a newer Debian's <c>postgresql</c> package brings a newer one).
    /// </summary>
    public static string Bin
    {
        get
        {
            if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } bin)
            {
                return bin;
            }

            if (File.Exists(Path.Combine(DefaultBin, "initdb")) || !Directory.Exists("/usr/lib/postgresql"))
            {
                return DefaultBin;
            }

            return Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Bin, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault() ?? DefaultBin;
        }
    }

    /// <summary>The port the server listens on; starts it if needed.</summary>
    public async Task<int> PortAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return _port;
    }

    /// <summary>
    /// A connection string to a new, empty database of its own. Over the unix socket
    /// (<paramref name="overSocket"/>) it works from any network namespace, loopback or not.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken, bool overSocket = false)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var name = $"hearth_test_{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return overSocket ? new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Host = _directory }.ConnectionString : ConnectionString(name);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        // Pools are per data source; tests open many, so keep each one small.
        MaxPoolSize = 20,
    }.ConnectionString;

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException($"PostgreSQL could not be started for the tests: {_failure.Message}", _failure);
            }

            if (_directory is null)
            {
                try
                {
                    await StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _failure = e;
                    throw new InvalidOperationException($"PostgreSQL could not be started for the tests: {e.Message}", e);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException(
                $"{Bin}/initdb does not exist: install PostgreSQL (apt-get install postgresql), or set {BinVariable} to its bin directory");
        }

        // As root the server runs as postgres, which cannot enter a root-only temp directory: use /tmp.
        var parent = Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath();
        var directory = Path.Combine(parent, $"hearth-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(directory);
        _directory = directory;
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:", directory], asPostgres: false, cancellationToken).ConfigureAwait(false);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(Bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
            asPostgres: true, cancellationToken).ConfigureAwait(false);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            _port = FreePort.Pick();
            // Durability is not under test here (the supervisor is what gets killed), so fsync is off for speed.
            var settings = string.Join(' ',
                $"-c listen_addresses=127.0.0.1 -p {_port.ToString(CultureInfo.InvariantCulture)}",
                $"-c unix_socket_directories={directory}",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
            try
            {
                await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", data, "-o", settings, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start"],
                    asPostgres: true, cancellationToken).ConfigureAwait(false);
                _settings = settings;
                return;
            }
            catch (InvalidOperationException e)
            {
                last = new InvalidOperationException($"{e.Message}\nserver log:\n{ServerLog()}", e);
                if (!ServerLog().Contains("could not bind", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        throw last!;
    }

    /// <summary>
    /// Takes the server down as an outage would (a fast shutdown: sessions are cut, nothing is accepted) until
    /// <see cref="StartAgainAsync"/>. Only for tests that run alone, since every database of the run goes with it.
    /// </summary>
    public async Task StopForOutageAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(_directory!, "data"), "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Starts the server again after <see cref="StopForOutageAsync"/>, on the same port and data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(_directory!, "data"), "-o", _settings!, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "start"],
            asPostgres: true, cancellationToken).ConfigureAwait(false);
        // The tests' own pooled connections died with the old server.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A restart as an operator does one: a fast shutdown, then a start on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopForOutageAsync(cancellationToken).ConfigureAwait(false);
        await StartAgainAsync(cancellationToken).ConfigureAwait(false);
    }

    private string ServerLog()
    {
        var log = Path.Combine(_directory!, "server.log");
        try
        {
            var lines = File.Exists(log) ? File.ReadAllLines(log) : [];
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", program, .. arguments])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {CommandTimeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()} {(await stdout.ConfigureAwait(false)).Trim()}");
        }
    }

    /// <summary>Stops the server at once (the tests' data is thrown away) and deletes its directory.</summary>
    private void Stop()
    {
        if (_directory is null || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], asPostgres: true, CancellationToken.None)
                .GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Not running: nothing to stop.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner; the server is stopped either way.
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
