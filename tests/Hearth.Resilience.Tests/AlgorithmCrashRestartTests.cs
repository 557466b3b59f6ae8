using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// SIGKILL a supervisor serving algorithms and start it again on the same store: accounts, keys, algorithms,
/// builds, versions and reservations are all there; the warm instances (reserved and on-demand) that kept
/// running on the workers are adopted, so the next calls are warm; running jobs are adopted beside them; and
/// the ledger equals jobs' and instances' live allocations. Written once; each backend subclasses it.
/// </summary>
public abstract class AlgorithmCrashRestartTests : IAsyncLifetime
{
    private const string Echo = "acme/echo";

    /// <summary>What each echo instance holds, from examples/algorithms/echo/hearth.json.</summary>
    private static readonly Dictionary<string, Dictionary<string, int>> Manifests = new()
    {
        [Echo] = new() { ["host.processors"] = 1, ["host.memory"] = 64 },
    };

    private protected TestCluster Farm { get; private set; } = null!;

    protected abstract Task<string?> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() => Farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), Database = await CreateDatabaseAsync() });

    public async ValueTask DisposeAsync()
    {
        await Farm.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ASigkilledSupervisorComesBackWithAccountsAlgorithmsReservationsAndItsWarmInstances()
    {
        await Farm.StartWorkerAsync("w1", "host.processors=4,host.memory=4000");
        await Farm.StartWorkerAsync("w2", "host.processors=4,host.memory=4000");
        var (alice, bob) = await PublishEchoAsync();
        var reserved = await Farm.Api.AddReservationAsync("alice", Echo, "latest_public", 2);
        await ReadyAsync(reserved.Id);
        var aliceCall = await Farm.Api.CallAsync(alice, Echo, "{\"before\": 1}");
        var bobCall = await Farm.Api.CallAsync(bob, Echo, "{\"before\": 2}");
        var job = await Farm.SubmitHeldAsync("host.processors=1");
        var running = (await Farm.WaitForSubjobsAsync(job, JobStates.Running, 1)).Subjobs[0];
        await LedgerCheck.AssertConsistentAsync(Farm.Api, Manifests);
        var accounts = (await Farm.Api.AccountsAsync()).Accounts;
        var versions = await Farm.Api.VersionsAsync(Echo);
        var instances = (await Farm.Api.InstancesAsync()).Instances;

        await Farm.KillSupervisorAsync();
        await Farm.StartSupervisorAsync();
        await Poll.UntilAsync("both workers to reconnect", async () =>
            await Farm.Api.WorkerStateAsync("w1") == "up" && await Farm.Api.WorkerStateAsync("w2") == "up");

        Assert.False(Cold(aliceCall));
        Assert.True(Cold(bobCall));
        Assert.Equal(accounts.Select(a => (a.Name, a.Kind)), (await Farm.Api.AccountsAsync()).Accounts.Select(a => (a.Name, a.Kind)));
        var versionsAfter = await Farm.Api.VersionsAsync(Echo);
        Assert.Equal(versions.Versions.Select(v => (v.Version, v.Hash, v.Visibility)), versionsAfter.Versions.Select(v => (v.Version, v.Hash, v.Visibility)));
        Assert.Equal(versions.Builds.Select(b => (b.Hash, b.Size)), versionsAfter.Builds.Select(b => (b.Hash, b.Size)));
        var reservation = await ReadyAsync(reserved.Id);
        Assert.Equal(("alice", Echo, "latest_public", 2), (reservation.CallingUser, reservation.Algorithm, reservation.VersionType, reservation.Count));
        IReadOnlyList<InstanceItemView> adopted = [];
        await Poll.UntilAsync("the warm instances to be adopted", async () =>
        {
            adopted = (await Farm.Api.InstancesAsync()).Instances;
            return adopted.Select(i => i.Id).Order().SequenceEqual(instances.Select(i => i.Id).Order());
        }, state: () => $"before: {Describe(instances)}\nafter: {Describe(adopted)}");
        Assert.Equal(Describe(instances, withState: false), Describe(adopted, withState: false));
        Assert.False(Cold(await Farm.Api.CallAsync(alice, Echo, "{\"after\": 1}")));
        Assert.False(Cold(await Farm.Api.CallAsync(bob, Echo, "{\"after\": 2}")));
        var after = (await Farm.Api.JobAsync(job)).Subjobs[0];
        Assert.Equal((JobStates.Running, running.Host, running.Pid, running.Attempt), (after.State, after.Host, after.Pid, after.Attempt));
        await LedgerCheck.AssertConsistentAsync(Farm.Api, Manifests);
        Assert.Equal(instances.Count, (await Farm.Api.InstancesAsync()).Instances.Count);
        Farm.Release(job, 0);
        await Farm.WaitForJobAsync(job, JobStates.Complete);
        Assert.Single(Farm.Starts(job, 0));
    }

    /// <summary>acme/echo 1.0.0, public, pushed by alice (a member of acme); returns alice's and bob's keys.</summary>
    private async Task<(string Alice, string Bob)> PublishEchoAsync()
    {
        var (url, admin) = (Farm.Url, Farm.AdminKey);
        await HearthCli.RequireAsync(url, admin, "account", "create", "acme", "--org");
        await HearthCli.RequireAsync(url, admin, "account", "create", "alice");
        await HearthCli.RequireAsync(url, admin, "account", "create", "bob");
        await HearthCli.RequireAsync(url, admin, "org", "add-member", "acme", "alice");
        var alice = (await HearthCli.RequireAsync(url, admin, "key", "create", "alice", "--json")).Json.GetProperty("key").GetString()!;
        var bob = (await HearthCli.RequireAsync(url, admin, "key", "create", "bob", "--json")).Json.GetProperty("key").GetString()!;
        var echo = Path.Combine(HearthCli.Repository(), "examples", "algorithms", "echo");
        var hash = (await HearthCli.RequireAsync(url, alice, "algo", "push", echo, "--as", Echo, "--json")).Json.GetProperty("hash").GetString()!;
        await HearthCli.RequireAsync(url, alice, "algo", "publish", Echo, "--hash", hash, "--version", "1.0.0", "--public");
        return (alice, bob);
    }

    private async Task<ReservationView> ReadyAsync(long id)
    {
        ReservationView? reservation = null;
        await Poll.UntilAsync($"reservation {id} to be ready", async () =>
        {
            reservation = (await Farm.Api.ReservationsAsync()).Reservations.SingleOrDefault(r => r.Id == id);
            return reservation?.Status is { State: ReservationStates.Ready, Ready: 2 };
        }, state: () => $"{reservation?.Status}");
        return reservation!;
    }

    private static bool Cold(System.Text.Json.JsonElement reply) => reply.GetProperty("metadata").GetProperty("cold_start").GetBoolean();

    private static string Describe(IReadOnlyList<InstanceItemView> instances, bool withState = true) => string.Join("; ", instances.OrderBy(i => i.Id).Select(i =>
        $"{i.Id} {i.Account} {i.Algorithm} {i.Hash[..7]} on {i.Worker}{(i.Reserved ? " reserved" : "")}{(withState ? $" {i.State}" : "")}"));
}

public sealed class SqliteAlgorithmCrashRestartTests : AlgorithmCrashRestartTests
{
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresAlgorithmCrashRestartTests(PostgresServer server) : AlgorithmCrashRestartTests
{
    protected override async Task<string?> CreateDatabaseAsync() => await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
}
