using Hearth.Algorithms.Tests.Worker;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>The supervisor's Prometheus metrics count what calls did.</summary>
public sealed class MetricsTests
{
    private const string Scope = "otel_scope_name=\"Hearth.Algorithms\"";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachSupervisorInAProcessCountsItsOwnCallsAloneAndKeepsCountingWhenAnotherStops()
    {
        var anyCount = $"hearth_algorithm_calls_total{{{Scope}";
        var counted = $"hearth_algorithm_calls_total{{{Scope},status=\"ok\"}} 1";
        await using var second = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000");
        var secondCaller = await FixtureAsync(second);
        await using (var first = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000"))
        {
            var firstCaller = await FixtureAsync(first);
            Assert.Equal(200, (await TestCluster.CallAsync(firstCaller, "acme/fixture", "\"first\"")).Status);

            Assert.Contains(counted, await first.Admin.GetStringAsync("/metrics", Token), StringComparison.Ordinal);
            Assert.DoesNotContain(anyCount, await second.Admin.GetStringAsync("/metrics", Token), StringComparison.Ordinal);
        }

        // The first supervisor is gone with its instruments; a scrape in between lets the exporter drop what it held of them.
        Assert.DoesNotContain(anyCount, await second.Admin.GetStringAsync("/metrics", Token), StringComparison.Ordinal);
        Assert.Equal(200, (await TestCluster.CallAsync(secondCaller, "acme/fixture", "\"second\"")).Status);
        Assert.Contains(counted, await second.Admin.GetStringAsync("/metrics", Token), StringComparison.Ordinal);
    }

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
    public async Task CallsColdStartsWarmHitsSpilloversAndQueueWaitsAreCountedWithLatencyHistograms()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=1,host.memory=1000");
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        var hash = await cluster.PushAsync(Paths.Fixtures, "acme/fixture");
        await cluster.PublishAsync("acme/fixture", hash, "1.0.0", isPublic: true);
        var alice = cluster.Client(await cluster.KeyAsync("alice"));

        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"cold\"")).ColdStart);
        Assert.False((await TestCluster.CallAsync(alice, "acme/fixture", "\"warm\"")).ColdStart);
        var sleeping = TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:1\"");
        await cluster.WaitForInstancesAsync(list => list.Single().State == "busy", "the sleeping call to hold the instance");
        var answers = await Task.WhenAll(sleeping, TestCluster.CallAsync(alice, "acme/fixture", "\"queued\""));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal("the input was rejected", (await TestCluster.CallAsync(alice, "acme/fixture", "\"error\"")).Error);

        var metrics = await cluster.Admin.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        foreach (var line in new[]
        {
            $"hearth_algorithm_calls_total{{{Scope},status=\"ok\"}} 4",
            $"hearth_algorithm_calls_total{{{Scope},status=\"algorithm_error\"}} 1",
            $"hearth_algorithm_cold_starts_total{{{Scope}}} 1",
            $"hearth_algorithm_warm_hits_total{{{Scope}}} 3",
            $"hearth_algorithm_spillovers_total{{{Scope}}} 1",
            $"hearth_algorithm_queue_waits_total{{{Scope}}} 2",
            $"hearth_algorithm_instance_starts_total{{{Scope}}} 2",
            $"hearth_algorithm_call_duration_seconds_count{{{Scope},start=\"cold\"}} 1",
            $"hearth_algorithm_call_duration_seconds_count{{{Scope},start=\"warm\"}} 4",
            $"hearth_algorithm_queue_wait_seconds_count{{{Scope}}} 2",
            $"hearth_algorithm_instance_load_seconds_count{{{Scope}}} 1",
            $"hearth_algorithm_cold_start_step_seconds_count{{{Scope},step=\"fetch\"}} 1",
            $"hearth_algorithm_cold_start_step_seconds_count{{{Scope},step=\"sandbox\"}} 1",
            $"hearth_algorithm_cold_start_step_seconds_count{{{Scope},step=\"load\"}} 1",
        })
        {
            Assert.Contains(line, metrics, StringComparison.Ordinal);
        }

        Assert.Contains($"hearth_algorithm_call_duration_seconds_bucket{{{Scope},start=\"warm\",le=\"+Inf\"}} 4", metrics, StringComparison.Ordinal);
    }
}
