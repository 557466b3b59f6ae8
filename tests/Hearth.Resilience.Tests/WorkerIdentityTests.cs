using System.Globalization;
using System.Net;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// A worker is one name held by one live process. A worker process SIGKILLed mid-job and started again under its
/// name ends what its predecessor left running, so an attempt never runs twice; a second live process under a
/// taken name is refused instead of knocking the first off; and a worker that is down neither counts as free
/// capacity nor stays listed once an admin removes it.
/// </summary>
public sealed class WorkerIdentityTests : IAsyncLifetime
{
    private TestCluster _farm = null!;

    public async ValueTask InitializeAsync()
    {
        _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), HeartbeatTimeout = "3s" });
    }

    public async ValueTask DisposeAsync() => await _farm.DisposeAsync();

    [Fact]
    public async Task AWorkerSigkilledMidJobAndStartedAgainAfterTheTimeoutKillsTheOldProcessTreeAndTheJobRunsOnceMore()
    {
        await _farm.StartWorkerAsync("ext", "host.processors=2");
        var job = await _farm.SubmitHeldAsync("host.processors=1", name: "long");
        await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1);
        var first = StartedPid(job, 0);

        await _farm.KillWorkerAsync("ext");
        Assert.NotEmpty(Session(first));
        await Poll.UntilAsync("ext to be declared down", async () => await _farm.Api.WorkerStateAsync("ext") == "down");
        var requeued = await _farm.Api.JobAsync(job);
        Assert.Equal(JobStates.Pending, requeued.Subjobs[0].State);
        Assert.NotEmpty(Session(first));

        await _farm.StartWorkerAsync("ext", "host.processors=2");

        Assert.Empty(Session(first));
        var running = await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1);
        Assert.Equal(2, running.Subjobs[0].Attempt);
        Assert.Equal(2, _farm.Starts(job, 0).Count);
        _farm.Release(job, 0);
        var done = await _farm.WaitForJobAsync(job, JobStates.Complete);
        Assert.Equal((0, 2), (done.Subjobs[0].ExitCode, done.Subjobs[0].Attempt));
        Assert.Equal(2, _farm.Starts(job, 0).Count);
        Assert.Equal($"released {job}.0\n", (await _farm.Api.LogsAsync(job)).Subjobs[0].Stdout);
        var audit = await _farm.Api.AuditAsync();
        Assert.True(audit.Consistent, string.Join('\n', audit.Problems));
        Assert.All(audit.Resources, line => Assert.Equal(0, line.Used));
    }

    [Fact]
    public async Task AWorkerSigkilledAndStartedAgainBeforeTheTimeoutEndsTheOldAttemptBeforeItsResourcesAreReleased()
    {
        await _farm.StartWorkerAsync("ext", "host.processors=1");
        var job = await _farm.SubmitHeldAsync("host.processors=1", name: "long");
        await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1);
        var first = StartedPid(job, 0);

        await _farm.KillWorkerAsync("ext");
        await _farm.StartWorkerAsync("ext", "host.processors=1");

        // Within the timeout the supervisor may still list the killed worker as up, so "up" proves nothing here;
        // the second attempt does: the new worker ends the orphans before it registers, and only its registration
        // hands the attempt back.
        var running = await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1, attempt: 2);
        Assert.Empty(Session(first));
        Assert.Equal(2, running.Subjobs[0].Attempt);
        _farm.Release(job, 0);
        await _farm.WaitForJobAsync(job, JobStates.Complete);
        Assert.Equal(2, _farm.Starts(job, 0).Count);
    }

    [Fact]
    public async Task ASecondWorkerUnderAConnectedNameIsRefusedWithOneLineAndTakesOverOnlyOnceTheFirstIsGone()
    {
        await _farm.StartWorkerAsync("w1", "host.processors=2");
        var original = _farm.Worker("w1");
        var sameDirectory = _farm.LaunchWorker("same directory", WorkerArgs("w1", "host.processors=3"));
        await sameDirectory.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, sameDirectory.ExitCode);
        Assert.Contains("another worker named w1 is already running from", sameDirectory.Output, StringComparison.Ordinal);
        Assert.Contains($"(pid {original.Pid})", sameDirectory.Output, StringComparison.Ordinal);

        var config = Path.Combine(_farm.Root, "second.json");
        await File.WriteAllTextAsync(config, $$"""{"run_directory": "{{Path.Combine(_farm.Root, "second")}}"}""", TestContext.Current.CancellationToken);
        var second = _farm.LaunchWorker("second w1", [.. WorkerArgs("w1", "host.processors=3"), "--config", config]);
        await Poll.UntilAsync("the second w1 to say it was refused", () => Task.FromResult(second.Output.Contains("already connected", StringComparison.Ordinal)),
            state: () => second.Output);
        // It keeps retrying (it is still running) but says so once, and the first never lost its connection.
        await Poll.UntilAsync("the second w1 to have retried", () => Task.FromResult(
            TimesSeen(_farm.Supervisor.Output, "already connected") >= 3), state: () => _farm.Supervisor.Output);
        Assert.False(second.HasExited);
        Assert.Equal(1, TimesSeen(second.Output, "already connected"));
        Assert.Matches(@"a worker named w1 is already connected from 127\.0\.0\.1:\d+ since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", second.Output);
        Assert.DoesNotContain("lost its connection", original.Output, StringComparison.Ordinal);
        var held = (await _farm.Api.WorkersAsync()).Workers.Single();
        Assert.Equal(("w1", "up", 2), (held.Name, held.State, held.Resources.Single(r => r.Resource == "host.processors").Total));

        await original.TerminateAsync(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync("the second w1 to take the name over", async () =>
            (await _farm.Api.WorkersAsync()).Workers.Single() is { State: "up" } w && w.Resources.Single(r => r.Resource == "host.processors").Total == 3,
            state: () => second.Output);
    }

    [Fact]
    public async Task ADownWorkersCapacityIsNotFreeAndAnAdminCanRemoveItOnlyOnceItIsDown()
    {
        await _farm.StartWorkerAsync("live", "host.processors=4");
        await _farm.StartWorkerAsync("ext", "host.processors=2");
        using var refusedUp = await _farm.Api.RawDeleteAsync("v1/workers/ext");
        Assert.Equal(HttpStatusCode.Conflict, refusedUp.StatusCode);
        Assert.Contains("worker ext is up; stop it first", await refusedUp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await _farm.KillWorkerAsync("ext");
        await Poll.UntilAsync("ext to be declared down", async () => await _farm.Api.WorkerStateAsync("ext") == "down");
        var resources = await _farm.Api.ResourcesAsync();
        var ext = resources.Hosts.Single(h => h.Host == "ext");
        Assert.Equal(("down", 2, 0), (ext.State, Processors(ext.Resources).Total, Processors(ext.Resources).Free));
        Assert.Equal((1, 4, 4), (resources.Available.Hosts, Processors(resources.Available.Resources).Total, Processors(resources.Available.Resources).Free));
        Assert.Equal((1, 2, 0), (resources.Down.Hosts, Processors(resources.Down.Resources).Total, Processors(resources.Down.Resources).Free));
        Assert.Equal(["ext"], resources.Down.Workers);
        var text = await HearthCli.RequireAsync(_farm.Url, _farm.AdminKey, "resources");
        Assert.Contains("hosts down or unreachable (1: ext): not free", text.Stdout, StringComparison.Ordinal);

        using var workerKey = new SupervisorApi(_farm.Url, _farm.WorkerKey, null);
        using var notAdmin = await workerKey.RawDeleteAsync("v1/workers/ext");
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var removed = await HearthCli.RequireAsync(_farm.Url, _farm.AdminKey, "workers", "remove", "ext");
        Assert.Equal("worker ext removed\n", removed.Stdout);
        Assert.Equal(["live"], (await _farm.Api.WorkersAsync()).Workers.Select(w => w.Name));
        Assert.Equal(0, (await _farm.Api.ResourcesAsync()).Down.Hosts);
        var again = await HearthCli.RunAsync(_farm.Url, _farm.AdminKey, "workers", "remove", "ext");
        Assert.Equal((1, "hearth: worker ext not found\n"), (again.ExitCode, again.Stderr));

        // Forgotten for good: a supervisor restart does not bring it back from the store.
        await _farm.Supervisor.TerminateAsync(TimeSpan.FromSeconds(30));
        await _farm.StartSupervisorAsync();
        await Poll.UntilAsync("live to reconnect", async () => await _farm.Api.WorkerStateAsync("live") == "up");
        Assert.Equal(["live"], (await _farm.Api.WorkersAsync()).Workers.Select(w => w.Name));
    }

    private static ResourceUsageView Processors(IReadOnlyList<ResourceUsageView> resources) => resources.Single(r => r.Resource == "host.processors");

    private List<string> WorkerArgs(string name, string resources) =>
        ["worker", "--supervisor", _farm.Url.ToString(), "--name", name, "--resources", resources, "--key", _farm.WorkerKey];

    private int StartedPid(long job, int index) => int.Parse(_farm.Starts(job, index).Single().Split(' ')[0], CultureInfo.InvariantCulture);

    private static int TimesSeen(string text, string what) => text.Split(what).Length - 1;

    /// <summary>The live (not zombie) processes of the session a subjob's process leads: its whole tree.</summary>
    private static List<int> Session(int leader)
    {
        var members = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText(Path.Combine(entry, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[3] == leader.ToString(CultureInfo.InvariantCulture))
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return members;
    }
}
