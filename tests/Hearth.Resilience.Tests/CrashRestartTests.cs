using System.Collections.Concurrent;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// SIGKILL the supervisor process in the middle of things and start it again on the same store: nothing it
/// acknowledged is lost, the processes that kept running on the workers are adopted rather than run again, and
/// the ledger still equals the sum of live allocations. Written once; each backend subclasses it.
/// </summary>
public abstract class CrashRestartTests : IAsyncLifetime
{
    private const string Licenses = "global.lic=3";

    private protected TestCluster Farm { get; private set; } = null!;

    /// <summary>The <c>--db</c> value for a fresh store, or null for SQLite in the data directory.</summary>
    protected abstract Task<string?> CreateDatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        Farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), Database = await CreateDatabaseAsync(), GlobalResources = Licenses });
    }

    public async ValueTask DisposeAsync()
    {
        await Farm.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ASigkilledSupervisorComesBackWithEveryJobAndAdoptsTheProcessesThatKeptRunning()
    {
        await Farm.StartWorkerAsync("w1", "host.processors=4,host.memory=4000");
        await Farm.StartWorkerAsync("w2", "host.processors=4,host.memory=4000");
        var api = Farm.Api;
        var done = await api.SubmitAsync(new SubmitJobRequest(["sh", "-c", "echo kept output; echo kept error >&2"], "done"));
        await Farm.WaitForJobAsync(done, JobStates.Complete);
        var killed = await Farm.SubmitHeldAsync("host.processors=1", name: "killed");
        await Farm.WaitForSubjobsAsync(killed, JobStates.Running, 1);
        await api.KillAsync(killed);
        await Farm.WaitForJobAsync(killed, JobStates.Killed);
        var licensed = await Farm.SubmitHeldAsync("host.processors=1,global.lic=1", cpus: 3, name: "licensed");
        var growing = await Farm.SubmitHeldAsync("host.processors=2-4,host.memory=100", name: "growing");
        await Farm.WaitForSubjobsAsync(licensed, JobStates.Running, 3);
        await Farm.WaitForSubjobsAsync(growing, JobStates.Running, 1);
        var waiting = await Farm.SubmitHeldAsync("host.processors=1,global.lic=1", priority: 10, name: "waiting");
        await LedgerCheck.AssertConsistentAsync(api);
        var before = await api.AllJobsAsync();

        await Farm.KillSupervisorAsync();
        var running = before.SelectMany(j => j.Subjobs.Where(s => s.State == JobStates.Running).Select(s => (Job: j.Id, Subjob: s))).ToList();
        Assert.Equal(4, running.Count);
        Assert.All(running, r => Assert.True(ProcessAlive(r.Subjob.Pid!.Value), $"subjob {r.Job}.{r.Subjob.Id} died with the supervisor"));
        Farm.Release(licensed, 0);
        await Poll.UntilAsync("licensed.0 to exit while the supervisor is down", () => Task.FromResult(!ProcessAlive(running[0].Subjob.Pid!.Value)));
        await Farm.StartSupervisorAsync();
        await Poll.UntilAsync("both workers to reconnect", async () =>
            await Farm.Api.WorkerStateAsync("w1") == "up" && await Farm.Api.WorkerStateAsync("w2") == "up");
        api = Farm.Api;

        var ended = await Farm.WaitForSubjobsAsync(licensed, JobStates.Complete, 1);
        Assert.Equal((0, 1), (ended.Subjobs[0].ExitCode, ended.Subjobs[0].Attempt));
        await Farm.WaitForSubjobsAsync(waiting, JobStates.Running, 1);
        var after = await api.AllJobsAsync();
        Assert.Equal(before.Select(j => (j.Id, j.Name, j.Reservations, j.Priority, j.Cpus)), after.Select(j => (j.Id, j.Name, j.Reservations, j.Priority, j.Cpus)));
        Assert.Equal(before.Select(j => string.Join(' ', j.Command)), after.Select(j => string.Join(' ', j.Command)));
        Assert.Equal((JobStates.Complete, JobStates.Killed), (after.Single(j => j.Id == done).State, after.Single(j => j.Id == killed).State));
        var logs = (await api.LogsAsync(done)).Subjobs[0];
        Assert.Equal(("kept output\n", "kept error\n"), (logs.Stdout, logs.Stderr));
        foreach (var (job, subjob) in running.Skip(1))
        {
            var now = after.Single(j => j.Id == job).Subjobs.Single(s => s.Id == subjob.Id);
            Assert.Equal((JobStates.Running, subjob.Host, subjob.Attempt, subjob.Pid), (now.State, now.Host, now.Attempt, now.Pid));
            Assert.Equal(subjob.Allocations.OrderBy(kv => kv.Key), now.Allocations.OrderBy(kv => kv.Key));
        }

        await LedgerCheck.AssertConsistentAsync(api);
        Farm.ReleaseAll();
        foreach (var job in new[] { licensed, growing, waiting })
        {
            await Farm.WaitForJobAsync(job, JobStates.Complete);
        }

        Assert.All(after.Where(j => j.Id != done).SelectMany(j => j.Subjobs.Select(s => (j.Id, s.Id))),
            s => Assert.Single(Farm.Starts(s.Item1, s.Item2)));
        var idle = await api.AuditAsync();
        Assert.True(idle.Consistent, string.Join('\n', idle.Problems));
        Assert.All(idle.Resources, line => Assert.Equal(0, line.Used));
    }

    [Fact]
    public async Task EverySubmissionAcknowledgedBeforeTheKillIsThereAfterTheRestartAndIdsAreNeverReused()
    {
        var acknowledged = new ConcurrentDictionary<long, string>();
        using var stop = new CancellationTokenSource();
        using var client = new HttpClient { BaseAddress = Farm.Url, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new("Simple", Farm.AdminKey);
        var submitters = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"burst-{n}-{i}";
                try
                {
                    using var response = await client.PostAsJsonAsync("v1/jobs", new SubmitJobRequest(["echo", name], name), ApiJson.Options, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged[(await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, CancellationToken.None))!.Id] = name;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    // Cut off by the kill: not acknowledged, so the test expects nothing of it.
                }
            }
        })).ToList();
        await Poll.UntilAsync("200 submissions to be acknowledged", () => Task.FromResult(acknowledged.Count >= 200));

        await Farm.KillSupervisorAsync();
        var acked = acknowledged.ToDictionary();
        await stop.CancelAsync();
        await Task.WhenAll(submitters);
        await Farm.StartSupervisorAsync();

        var stored = (await Farm.Api.GetAsync<JobListView>("v1/jobs?limit=10000")).Jobs.ToDictionary(j => j.Id);
        var missing = acked.Keys.Where(id => !stored.TryGetValue(id, out var job) || job.Name != acked[id]).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged jobs are missing or changed, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.All(stored.Values, j => Assert.Equal(JobStates.Pending, j.State));
        var next = await Farm.Api.SubmitAsync(new SubmitJobRequest(["true"], "after the restart"));
        Assert.True(next > stored.Keys.Max(), $"job {next} reuses an id at or below {stored.Keys.Max()}");
    }

    [Fact]
    public async Task KeysStillWorkAfterASigkillAndTheKeyFilesAreNotReplaced()
    {
        var admin = Farm.AdminKey;
        var worker = Farm.WorkerKey;

        await Farm.KillSupervisorAsync();
        await Farm.StartSupervisorAsync();

        Assert.Equal((admin, worker), (Farm.AdminKey, Farm.WorkerKey));
        await Farm.StartWorkerAsync("w1", "host.processors=1");
        Assert.Empty((await Farm.Api.GetAsync<JobListView>("v1/jobs")).Jobs);
    }

    [Fact]
    public async Task ASecondSupervisorOnTheSameStoreRefusesToStartAndNamesTheFirst()
    {
        var port = FreePort.Pick();
        List<string> args = ["supervisor", "--data", Farm.DataDirectory, "--port", $"{port}", "--worker-port", $"{FreePort.Pick()}", "--store-wait", "1s"];
        if (Farm.Database is { } database)
        {
            args.AddRange(["--db", database]);
        }

        await using var second = ClusterProcess.Start("second supervisor", args);
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("in use by another", second.Output, StringComparison.Ordinal);
        Assert.Contains($"pid {Farm.Supervisor.Pid}", second.Output, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Farm.Api.ReadyAsync()).Status);
    }

    private static bool ProcessAlive(long pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
