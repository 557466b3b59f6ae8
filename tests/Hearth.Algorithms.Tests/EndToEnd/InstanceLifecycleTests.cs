using System.Net.Http.Json;
using Hearth.Algorithms.Tests.Worker;
using Hearth.Protocol.Rest;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>Instances over their life: idle timeout, eviction, spillover, queueing and crashes, with real processes.</summary>
public sealed class InstanceLifecycleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>acme/fixture (the test algorithm) public as 1.0.0, and a key for alice.</summary>
    private static async Task<HttpClient> FixtureAsync(TestCluster cluster)
    {
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        var hash = await cluster.PushAsync(Paths.Fixtures, "acme/fixture");
        await cluster.PublishAsync("acme/fixture", hash, "1.0.0", isPublic: true);
        return cluster.Client(await cluster.KeyAsync("alice"));
    }

    [Fact]
    public async Task AnIdleInstanceStopsAfterTheIdleTimeout()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(idleTimeout: TimeSpan.FromSeconds(1));
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"hi\"")).Status);
        Assert.Single(await cluster.InstancesAsync());

        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the idle instance to stop");
        Assert.Equal(0, cluster.InstancesOnWorkers);
        await cluster.WaitForNothingInUseAsync("the idle instance's resources to be released");

        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"again\"")).ColdStart);
    }

    [Fact]
    public async Task AnIdleInstanceIsEvictedToMakeRoomForAJob()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000", minResidency: TimeSpan.FromMilliseconds(200));
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"hi\"")).Status);

        var submitted = await cluster.Admin.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(["true"], "render", null, null, null, null), ApiJson.Options, Token);
        submitted.EnsureSuccessStatusCode();
        var job = (await submitted.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Token))!;
        var waited = await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}/wait?timeout=60", ApiJson.Options, Token);
        Assert.Equal("complete", waited!.State);
        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the evicted instance to be gone");
    }

    [Fact]
    public async Task ConcurrentCallsFindingEveryInstanceBusySpillOverToNewOnes()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=4,host.memory=4000");
        var alice = await FixtureAsync(cluster);
        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).ColdStart);

        var calls = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:2\"")));
        Assert.All(calls, c => Assert.Equal(200, c.Status));

        // Two calls found the one instance busy and each started another. Which calls are served cold depends on
        // whether a start beats the first call's two seconds, so only the instance count is exact.
        Assert.InRange(calls.Count(c => c.ColdStart), 1, 2);
        Assert.Equal(3, (await cluster.InstancesAsync()).Count);
        var metrics = await cluster.Admin.GetStringAsync("/metrics", Token);
        Assert.Contains("hearth_algorithm_spillovers_total{otel_scope_name=\"Hearth.Algorithms\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoRoomForAnotherInstanceACallQueuesForTheBusyOne()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000");
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).Status);

        var first = TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:1\"");
        var second = TestCluster.CallAsync(alice, "acme/fixture", "\"queued\"");
        var answers = await Task.WhenAll(first, second);
        Assert.All(answers, a => Assert.Equal((200, false), (a.Status, a.ColdStart)));
        Assert.Equal("queued", answers[1].Result.GetString());
        var left = await cluster.WaitForInstancesAsync(list => list.Count == 1, "the start queued for the second call to be withdrawn");
        Assert.Equal(("idle", 3L), (left[0].State, left[0].CallsServed));
    }

    [Fact]
    public async Task AQueuedCallGivesUpAtItsTimeoutWithTheReason()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000");
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).Status);

        var busy = TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:3\"");
        await cluster.WaitForInstancesAsync(list => list.Single().State == "busy", "the first call to hold the instance");
        var waited = await TestCluster.CallAsync(alice, "acme/fixture", "\"late\"", timeout: 0.5);
        Assert.Equal(503, waited.Status);
        Assert.Equal("no instance of acme/fixture became free within the timeout of 0.5 s: 1 busy, no worker has room to start another "
            + "(each instance needs host.processors=1,host.memory=50)", waited.Error);
        Assert.Equal(200, (await busy).Status);
    }

    [Fact]
    public async Task ACrashingAlgorithmGivesTheCallAClearErrorAndIsReplacedOnDemand()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).Status);

        var crashed = await TestCluster.CallAsync(alice, "acme/fixture", "\"crash\"");
        Assert.Equal(502, crashed.Status);
        Assert.Equal("the instance exited with code 3 during the call; last output: loading the fixture | about to crash", crashed.Error);
        Assert.Equal("1.0.0", crashed.Metadata.GetProperty("version").GetString());
        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the crashed instance to be gone");

        var next = await TestCluster.CallAsync(alice, "acme/fixture", "\"fine\"");
        Assert.Equal((200, true), (next.Status, next.ColdStart));
    }

    [Fact]
    public async Task AHungCallTimesOutAndItsInstanceIsStopped()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var alice = await FixtureAsync(cluster);
        Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).Status);
        var hung = await TestCluster.CallAsync(alice, "acme/fixture", "\"hang\"", timeout: 1);
        Assert.Equal(504, hung.Status);
        Assert.StartsWith("the call timed out after ", hung.Error, StringComparison.Ordinal);
        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the hung instance to be stopped");
    }

    [Fact]
    public async Task AnAlgorithmThatFailsToLoadGivesTheWaitingCallItsOutput()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        var broken = Path.Combine(cluster.Root, "broken");
        Directory.CreateDirectory(broken);
        File.Copy(Path.Combine(Paths.Fixtures, "behaving.py"), Path.Combine(broken, "behaving.py"));
        await File.WriteAllTextAsync(Path.Combine(broken, "hearth.json"),
            """{"entrypoint": ["python3", "behaving.py", "hold", "--fail-load"], "reservations": "host.processors=1"}""", Token);
        var hash = await cluster.PushAsync(broken, "acme/broken");
        await cluster.PublishAsync("acme/broken", hash, "0.1.0", isPublic: true);
        var alice = cluster.Client(await cluster.KeyAsync("alice"));

        var failed = await TestCluster.CallAsync(alice, "acme/broken", "1");
        Assert.Equal(502, failed.Status);
        Assert.Equal("no instance of acme/broken could be started: the instance exited with code 4 during load, before printing PIPE_INIT_COMPLETE; "
            + "last output: loading the fixture | cannot load weights: model.bin is missing", failed.Error);
        Assert.Empty(await cluster.InstancesAsync());
    }

    [Fact]
    public async Task AnAlgorithmErrorAnswers200WithItsErrorBodyAndTheInstanceStaysWarm()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var alice = await FixtureAsync(cluster);
        var error = await TestCluster.CallAsync(alice, "acme/fixture", "\"error\"");
        Assert.Equal((200, "the input was rejected", "InputError"), (error.Status, error.Error,
            error.Body.GetProperty("error").GetProperty("error_type").GetString()));
        Assert.False((await TestCluster.CallAsync(alice, "acme/fixture", "\"ok\"")).ColdStart);
    }

    [Fact]
    public async Task WarmInstancesSurviveASupervisorRestartAndAreAdoptedFromTheirWorker()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var alice = await FixtureAsync(cluster);
        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"before\"")).ColdStart);
        var before = Assert.Single(await cluster.InstancesAsync());

        await cluster.RestartSupervisorAsync();
        var adopted = await cluster.WaitForInstancesAsync(list => list.Count == 1, "the worker to report its instance to the new supervisor");
        Assert.Equal((before.Id, "alice", "idle", "w1"), (adopted[0].Id, adopted[0].Account, adopted[0].State, adopted[0].Worker));

        using var again = cluster.Client(alice.DefaultRequestHeaders.Authorization!.Parameter);
        var after = await TestCluster.CallAsync(again, "acme/fixture", "\"after\"");
        Assert.Equal((200, false), (after.Status, after.ColdStart));
        var resources = await cluster.Admin.GetFromJsonAsync<ResourcesView>("/v1/resources", ApiJson.Options, Token);
        var processors = resources!.Hosts.Single().Resources.Single(r => r.Resource == "host.processors");
        Assert.Equal(1, processors.Used);
    }
}
