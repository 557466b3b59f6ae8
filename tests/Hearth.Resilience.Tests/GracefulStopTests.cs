using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// SIGTERM: the supervisor stops taking work, finishes what it accepted, commits, and exits within seconds;
/// the workers keep their processes, and the next supervisor on the store adopts them. Once per backend.
/// </summary>
public abstract class GracefulStopTests : IAsyncLifetime
{
    private protected TestCluster Farm { get; private set; } = null!;

    protected abstract Task<string?> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() => Farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), Database = await CreateDatabaseAsync() });

    public async ValueTask DisposeAsync()
    {
        await Farm.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ASigtermedSupervisorExitsCleanlyWithinSecondsKeepingEveryAcceptedJobAndItsRunningWork()
    {
        await Farm.StartWorkerAsync("w1", "host.processors=2");
        var held = await Farm.SubmitHeldAsync("host.processors=1");
        var before = (await Farm.WaitForSubjobsAsync(held, JobStates.Running, 1)).Subjobs[0];
        var accepted = new ConcurrentDictionary<long, string>();
        using var stop = new CancellationTokenSource();
        using var client = new HttpClient { BaseAddress = Farm.Url, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new("Simple", Farm.AdminKey);
        var refusals = new ConcurrentBag<HttpStatusCode>();
        var submitter = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await client.PostAsJsonAsync("v1/jobs", new SubmitJobRequest(["true"], $"late-{i}", "host.processors=64"), ApiJson.Options, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        accepted[(await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, CancellationToken.None))!.Id] = $"late-{i}";
                    }
                    else
                    {
                        refusals.Add(response.StatusCode);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The listener is gone: nothing was accepted.
                }
            }
        }, TestContext.Current.CancellationToken);
        await Poll.UntilAsync("submissions to flow", () => Task.FromResult(accepted.Count >= 20));

        var took = await Farm.Supervisor.TerminateAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await submitter;

        Assert.Equal(0, Farm.Supervisor.ExitCode);
        Assert.True(took < TimeSpan.FromSeconds(10), $"the supervisor took {took.TotalSeconds:0.0} s to stop");
        Assert.Contains("Supervisor stopped", Farm.Supervisor.Output, StringComparison.Ordinal);
        Assert.All(refusals, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        await Farm.StartSupervisorAsync();
        await Poll.UntilAsync("the worker to reconnect", async () => await Farm.Api.WorkerStateAsync("w1") == "up");
        var after = (await Farm.Api.JobAsync(held)).Subjobs[0];
        Assert.Equal((JobStates.Running, before.Pid, before.Attempt), (after.State, after.Pid, after.Attempt));
        var stored = (await Farm.Api.GetAsync<JobListView>("v1/jobs?limit=10000")).Jobs.ToDictionary(j => j.Id, j => j.Name);
        Assert.All(accepted, a => Assert.Equal(a.Value, stored.GetValueOrDefault(a.Key)));
        await LedgerCheck.AssertConsistentAsync(Farm.Api);
        Farm.Release(held, 0);
        await Farm.WaitForJobAsync(held, JobStates.Complete);
        Assert.Single(Farm.Starts(held, 0));
    }

    [Fact]
    public async Task ReadinessNamesEveryCheckAndLivenessNeedsNoKey()
    {
        using var anonymous = new HttpClient { BaseAddress = Farm.Url };

        using var live = await anonymous.GetAsync(new Uri("healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        var (status, ready) = await Farm.Api.ReadyAsync();

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", ready!.Status);
        Assert.Equal(["scheduler", "shutdown", "store"], ready.Checks.Keys.Order());
        Assert.All(ready.Checks.Values, c => Assert.Equal("ok", c.Status));
        Assert.Contains("schema version", ready.Checks["store"].Detail, StringComparison.Ordinal);
    }
}

public sealed class SqliteGracefulStopTests : GracefulStopTests
{
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresGracefulStopTests(PostgresServer server) : GracefulStopTests
{
    private string _database = "";

    protected override async Task<string?> CreateDatabaseAsync() => _database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task ReadinessFailsWhileTheDatabaseRefusesConnectionsAndRecoversAfter()
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(_database).Database!;
        var admin = server.ConnectionString("postgres");

        await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        HealthView? refused = null;
        await Poll.UntilAsync("readiness to fail", async () =>
        {
            var (status, body) = await Farm.Api.ReadyAsync();
            refused = body;
            return status == HttpStatusCode.ServiceUnavailable;
        });
        using var read = await Farm.Api.RawGetAsync("v1/jobs?state=failed");
        var readBody = await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true");
        await Poll.UntilAsync("readiness to recover", async () => (await Farm.Api.ReadyAsync()).Status == HttpStatusCode.OK);

        Assert.True(read.StatusCode == HttpStatusCode.ServiceUnavailable, $"a read during the outage answered {(int)read.StatusCode}: {readBody}");
        Assert.Contains("database", readBody, StringComparison.Ordinal);

        Assert.Equal("unavailable", refused!.Status);
        Assert.Equal("failing", refused.Checks["store"].Status);
        Assert.Contains(name, refused.Checks["store"].Detail, StringComparison.Ordinal);
        Assert.Equal("ok", refused.Checks["scheduler"].Status);
        using var live = await Farm.Api.RawGetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task ASupervisorRidesOutADatabaseOutageOfAFewSecondsWithoutLosingASubmission()
    {
        await Farm.StartWorkerAsync("w1", "host.processors=1");
        var name = new Npgsql.NpgsqlConnectionStringBuilder(_database).Database!;
        var admin = server.ConnectionString("postgres");
        Assert.Empty(await Farm.Api.AllJobsAsync());

        var claim = await ClaimSessionAsync(admin, name);
        Assert.True(claim is not null, "the supervisor holds no claim on its database");

        await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        var submitted = Farm.Api.SubmitAsync(new SubmitJobRequest(["echo", "after the outage"], "patient"));
        // Readiness failing on the store shows the supervisor has met the outage; the submission must still be waiting then.
        await Poll.UntilAsync("readiness to report the store failing", async () =>
            (await Farm.Api.ReadyAsync()) is (HttpStatusCode.ServiceUnavailable, { } body) && body.Checks["store"].Status == "failing");
        Assert.False(submitted.IsCompleted, "the submission was answered while the database refused connections");
        await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true");
        var id = await submitted.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await Farm.WaitForJobAsync(id, JobStates.Complete);
        Assert.Equal("after the outage\n", (await Farm.Api.LogsAsync(id)).Subjobs[0].Stdout);
        // The outage ended the claim's session too. Its check either takes the lock back on a new session or stops the
        // supervisor, so the lock held again on another session is the signal that the supervisor has ridden it out.
        await Poll.UntilAsync("the supervisor to take its claim back on a new session", async () =>
            await ClaimSessionAsync(admin, name) is { } session && session != claim, state: () => Farm.Supervisor.Output);
        Assert.False(Farm.Supervisor.HasExited, $"the supervisor stopped after the outage:\n{Farm.Supervisor.Output}");
        Assert.Equal(HttpStatusCode.OK, (await Farm.Api.ReadyAsync()).Status);
    }

    /// <summary>The server process of the session that holds the supervisor's claim (its advisory lock) on <paramref name="database"/>, if any.</summary>
    private async Task<int?> ClaimSessionAsync(string connection, string database)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1 AND a.application_name LIKE $2
            """, db);
        command.Parameters.Add(new() { Value = database });
        command.Parameters.Add(new() { Value = $"hearth-supervisor pid {Farm.Supervisor.Pid} %" });
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) as int?;
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
