using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// The supervisor and each worker in its own network namespace, joined by veth pairs on a private 10.77.x.0/24,
/// with loopback down everywhere: the supervisor binds only its bridge address, workers reach it from their own
/// addresses, and a SIGKILLed supervisor restarted there adopts their processes. Nothing may assume 127.0.0.1.
/// Skipped, with the reason, where namespaces cannot be created.
/// </summary>
public abstract class NetworkNamespaceTests : IAsyncLifetime
{
    private NetworkLab? _lab;

    /// <summary>The <c>--db</c> value, reachable from inside the supervisor's namespace; null for SQLite.</summary>
    protected abstract Task<string?> CreateDatabaseAsync();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task WorkersInTheirOwnNamespacesRunJobsForASupervisorBoundToItsBridgeAddressAndSurviveItsRestart()
    {
        _lab = await NetworkLab.CreateAsync(workers: 2);
        await using var farm = await TestCluster.StartAsync(new ClusterOptions
        {
            Verbose = true,
            ClientTimeout = TimeSpan.FromSeconds(30),
            Address = _lab.SupervisorAddress,
            SupervisorWrapper = NetworkLab.Wrapper(_lab.SupervisorNamespace),
            Database = await CreateDatabaseAsync(),
        });
        for (var i = 1; i <= 2; i++)
        {
            var config = MultiHostTests.WriteConfig(farm, $"ns-w{i}", new
            {
                supervisor = farm.Url,
                name = $"ns-w{i}",
                resources = "host.processors=2",
                key_file = "supervisor/worker.key",
                run_directory = $"run-{i}",
            });
            await farm.StartWorkerProcessAsync($"ns-w{i}", ["worker", "--config", config], NetworkLab.Wrapper(_lab.WorkerNamespace(i)));
        }

        var probe = await farm.Api.SubmitAsync(new SubmitJobRequest(["sh", "-c", "ip -o -4 addr show scope global"], "where am I", "host.processors=2", Cpus: 2));
        var ran = await farm.WaitForJobAsync(probe, JobStates.Complete);
        var logs = await farm.Api.LogsAsync(probe);

        Assert.Equal(["ns-w1", "ns-w2"], ran.Subjobs.Select(s => s.Host!).Order());
        foreach (var subjob in ran.Subjobs)
        {
            var own = _lab.WorkerAddress(subjob.Host == "ns-w1" ? 1 : 2);
            var output = logs.Subjobs.Single(l => l.Id == subjob.Id).Stdout;
            Assert.Contains($"inet {own}/24", output, StringComparison.Ordinal);
            Assert.DoesNotContain(_lab.SupervisorAddress + "/", output, StringComparison.Ordinal);
        }

        var held = await farm.SubmitHeldAsync("host.processors=1");
        var before = (await farm.WaitForSubjobsAsync(held, JobStates.Running, 1)).Subjobs[0];
        await farm.KillSupervisorAsync();
        await farm.StartSupervisorAsync();
        await Poll.UntilAsync("both namespaced workers to reconnect", async () =>
            await farm.Api.WorkerStateAsync("ns-w1") == "up" && await farm.Api.WorkerStateAsync("ns-w2") == "up");
        var after = (await farm.Api.JobAsync(held)).Subjobs[0];

        Assert.Equal((JobStates.Running, before.Host, before.Pid, before.Attempt), (after.State, after.Host, after.Pid, after.Attempt));
        await LedgerCheck.AssertConsistentAsync(farm.Api);
        farm.Release(held, 0);
        await farm.WaitForJobAsync(held, JobStates.Complete);
        Assert.Single(farm.Starts(held, 0));
    }
}

/// <summary>Namespaced hosts on SQLite, the file in the supervisor's data directory.</summary>
public sealed class SqliteNetworkNamespaceTests : NetworkNamespaceTests
{
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

/// <summary>Namespaced hosts on PostgreSQL, reached over its unix socket, which no network namespace hides.</summary>
public sealed class PostgresNetworkNamespaceTests(PostgresServer server) : NetworkNamespaceTests
{
    protected override async Task<string?> CreateDatabaseAsync() =>
        await server.CreateDatabaseAsync(TestContext.Current.CancellationToken, overSocket: true);
}
