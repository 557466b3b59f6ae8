using System.Globalization;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// A supervisor and two 4-slot workers, with one license of global.maya. The tests' own folder is a read-only job
/// mount, so an account's job may start in it as the CLI run from there asks.
/// </summary>
public sealed class TwoWorkerCluster : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(globals: "global.maya=1");
        foreach (var name in new[] { "w1", "w2" })
        {
            await Cluster.StartWorkerAsync(name, "host.processors=4", "--job-mount", $"{AppContext.BaseDirectory.TrimEnd('/')}:ro");
        }
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class JobsTests(TwoWorkerCluster fixture) : IClassFixture<TwoWorkerCluster>
{
    private TestCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData("host.processors=3", 3)]
    [InlineData("host.processors=2+", 4)]
    [InlineData("host.processors=2*", 4)]
    [InlineData("host.processors=all", 4)]
    [InlineData("host.processors=1-3", 3)]
    public async Task JobSlotsReachTheProcessForEveryQuantityForm(string reservations, int slots)
    {
        var id = await Cluster.SubmitAsync(reservations, "sh", "-c", "echo slots=$QB_JOBSLOTS job=$QB_JOBID sub=$QB_SUBID");

        var job = await Cluster.WaitForJobAsync(id);

        Assert.Equal("complete", job.GetProperty("state").GetString());
        var subjob = job.GetProperty("subjobs")[0];
        Assert.Equal(slots, subjob.GetProperty("allocations").GetProperty("host.processors").GetInt32());
        var logs = await Cluster.RunAsync("logs", $"{id}");
        Assert.Equal($"slots={slots} job={id} sub=0\n", logs.Stdout);
    }

    [Fact]
    public async Task JobJsonShowsSubjobsWithStateHostAllocationsAndExitCode()
    {
        var id = await Cluster.SubmitAsync("host.processors=1", "sh", "-c", "exit $QB_SUBID");
        var wait = await Cluster.RunAsync("submit", "--json", "--cpus", "3", "--", "sh", "-c", "exit $QB_SUBID");
        var multi = wait.Json.GetProperty("id").GetInt64();

        await Cluster.WaitForJobAsync(id);
        var job = await Cluster.WaitForJobAsync(multi);

        Assert.Equal("failed", job.GetProperty("state").GetString());
        var subjobs = job.GetProperty("subjobs").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], subjobs.Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal([0, 1, 2], subjobs.Select(s => s.GetProperty("exit_code").GetInt32()));
        Assert.Equal(["complete", "failed", "failed"], subjobs.Select(s => s.GetProperty("state").GetString()));
        Assert.All(subjobs, s => Assert.StartsWith("w", s.GetProperty("host").GetString(), StringComparison.Ordinal));
        Assert.All(subjobs, s => Assert.Equal(1, s.GetProperty("allocations").GetProperty("host.processors").GetInt32()));
    }

    [Fact]
    public async Task ExitCodesAndBothOutputStreamsAreKept()
    {
        var id = await Cluster.SubmitAsync("host.processors=1", "sh", "-c", "echo to-out; echo to-err >&2; exit 7");

        var wait = await Cluster.RunAsync("wait", $"{id}");
        var job = await Cluster.JobAsync(id);
        var logs = await Cluster.RunAsync("logs", $"{id}");
        var json = await Cluster.JsonAsync("logs", $"{id}");

        Assert.Equal(1, wait.ExitCode);
        Assert.Equal(("failed", 7), (job.GetProperty("state").GetString(), job.GetProperty("subjobs")[0].GetProperty("exit_code").GetInt32()));
        Assert.Equal(("to-out\n", "to-err\n"), (logs.Stdout, logs.Stderr));
        var subjob = json.GetProperty("subjobs")[0];
        Assert.Equal(("to-out\n", "to-err\n"), (subjob.GetProperty("stdout").GetString(), subjob.GetProperty("stderr").GetString()));
    }

    [Fact]
    public async Task LongOutputIsRetrievableWhole()
    {
        var id = await Cluster.SubmitAsync("host.processors=1", "seq", "1", "200000");
        await Cluster.WaitForJobAsync(id);

        var logs = await Cluster.RunAsync("logs", $"{id}");

        var lines = logs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200000, lines.Length);
        Assert.Equal(("1", "200000"), (lines[0], lines[^1]));
    }

    [Fact]
    public async Task GlobalLicenseSerialisesJobsAcrossWorkers()
    {
        const string Script = "echo start $(date +%s%N); sleep 1; echo end $(date +%s%N)";
        var a = await Cluster.SubmitAsync("host.processors=1,global.maya=1", "sh", "-c", Script);
        var b = await Cluster.SubmitAsync("host.processors=1,global.maya=1", "sh", "-c", Script);
        var c = await Cluster.SubmitAsync("host.processors=1,global.maya=1", "sh", "-c", Script);

        var intervals = new List<(long Start, long End, string Host)>();
        foreach (var id in new[] { a, b, c })
        {
            var job = await Cluster.WaitForJobAsync(id);
            Assert.Equal("complete", job.GetProperty("state").GetString());
            var lines = (await Cluster.RunAsync("logs", $"{id}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            intervals.Add((Nanos(lines[0]), Nanos(lines[1]), job.GetProperty("subjobs")[0].GetProperty("host").GetString()!));
        }

        intervals.Sort();
        for (var i = 1; i < intervals.Count; i++)
        {
            Assert.True(intervals[i].Start >= intervals[i - 1].End, $"two jobs held the one license at once: {string.Join(", ", intervals)}");
        }

        var resources = await Cluster.JsonAsync("resources");
        var maya = resources.GetProperty("global").EnumerateArray().Single(r => r.GetProperty("resource").GetString() == "global.maya");
        Assert.Equal((1, 0, 1), (maya.GetProperty("total").GetInt32(), maya.GetProperty("used").GetInt32(), maya.GetProperty("free").GetInt32()));
    }

    [Fact]
    public async Task KillStopsTheWholeProcessTreeAndFreesItsResources()
    {
        var id = await Cluster.SubmitAsync("host.processors=2", "sh", "-c", "sleep 300 & sleep 300 & echo started; wait");
        var running = await Cluster.WaitForStateAsync(id, "running");
        var pid = 0;
        await Poll.UntilAsync("the process to start", async () =>
        {
            var subjob = (await Cluster.JobAsync(id)).GetProperty("subjobs")[0];
            pid = subjob.GetProperty("pid").ValueKind == JsonValueKind.Number ? subjob.GetProperty("pid").GetInt32() : 0;
            return pid > 0 && ProcessSignals.InGroup(pid).Count >= 3;
        });
        var host = running.GetProperty("subjobs")[0].GetProperty("host").GetString()!;
        Assert.Equal(2, await UsedAsync(host));

        var kill = await Cluster.RunAsync("kill", $"{id}", "--json");

        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Equal("killed", kill.Json.GetProperty("state").GetString());
        await Poll.UntilAsync("the process group to be gone", () => Task.FromResult(ProcessSignals.InGroup(pid).Count == 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, await UsedAsync(host));
        var again = await Cluster.RunAsync("kill", $"{id}");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"hearth: job {id} has already ended: it is killed\n", again.Stderr);
    }

    [Fact]
    public async Task FortyFiveTrivialJobsAllComplete()
    {
        var ids = new List<long>();
        for (var i = 0; i < 45; i++)
        {
            ids.Add(await Cluster.SubmitAsync("host.processors=1", "true"));
        }

        foreach (var id in ids)
        {
            Assert.Equal("complete", (await Cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
        }

        var complete = await Cluster.JsonAsync("jobs", "--state", "complete", "--limit", "1000");
        Assert.True(ids.All(id => complete.GetProperty("jobs").EnumerateArray().Any(j => j.GetProperty("id").GetInt64() == id)));
    }

    private async Task<int> UsedAsync(string host)
    {
        var workers = await Cluster.WorkersAsync();
        return workers.EnumerateArray().Single(w => w.GetProperty("name").GetString() == host)
            .GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("resource").GetString() == "host.processors")
            .GetProperty("used").GetInt32();
    }

    private static long Nanos(string line) => long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);

    [Fact]
    public async Task LogsFollowPrintsOutputAsItIsWrittenAndReturnsOnceTheJobEnds()
    {
        var mark = Path.Combine(Cluster.Root, $"follow-{Guid.NewGuid():N}");
        var id = await Cluster.SubmitAsync("host.processors=1", "sh", "-c", $"echo one; while [ ! -e {mark} ]; do sleep 0.1; done; echo two >&2; echo three");
        using var follower = System.Diagnostics.Process.Start(HearthCli.StartInfo(Cluster.Environment, "logs", "-f", $"{id}"))!;
        var stderr = follower.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // The first line arrives while the job still runs: it waits for the mark, which only comes next.
        Assert.Equal("one", await follower.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.False(follower.HasExited);
        await File.WriteAllTextAsync(mark, "", TestContext.Current.CancellationToken);
        Assert.Equal("three", await follower.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Null(await follower.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        await follower.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, follower.ExitCode);
        Assert.Equal("two\n", await stderr);
        Assert.Equal("complete", (await Cluster.WaitForJobAsync(id)).GetProperty("state").GetString());

        // Piped, wait prints its plain line and draws no progress.
        var waited = await Cluster.RunAsync("wait", $"{id}");
        Assert.Equal($"job {id} sh: complete\n", waited.Stdout);
        Assert.DoesNotContain("\u001b", waited.Stderr, StringComparison.Ordinal);
    }
}
