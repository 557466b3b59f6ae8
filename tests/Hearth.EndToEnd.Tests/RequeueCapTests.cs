namespace Hearth.EndToEnd.Tests;

/// <summary>A subjob whose every worker dies under it is requeued only up to the supervisor's cap, then fails saying why.</summary>
public sealed class RequeueCapTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(["--max-requeues", "1"], "2s", workers: [("w1", "host.processors=1"), ("w2", "host.processors=1")]);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task WorkThatLosesEveryWorkerItLandsOnFailsAfterTheCap()
    {
        var id = await _cluster.SubmitAsync("host.processors=1", "sleep", "300");
        var first = await HostWhenRunningAsync(id, attempt: 1);
        await _cluster.KillWorkerAsync(first);

        // Requeued once, away from the lost worker.
        var second = await HostWhenRunningAsync(id, attempt: 2);
        Assert.NotEqual(first, second);
        await _cluster.KillWorkerAsync(second);

        var job = await _cluster.WaitForJobAsync(id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        var subjob = (await _cluster.JobAsync(id)).GetProperty("subjobs")[0];
        Assert.Equal(
            $"its worker {second} was lost, and it was already requeued 1 time(s) after worker loss, the most allowed",
            subjob.GetProperty("error").GetString());
        Assert.Equal(["lost", "lost"], subjob.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(1, subjob.GetProperty("requeues").GetInt32());
    }

    private async Task<string> HostWhenRunningAsync(long id, int attempt)
    {
        var host = "";
        await Poll.UntilAsync($"attempt {attempt} of job {id} to run", async () =>
        {
            var subjob = (await _cluster.JobAsync(id)).GetProperty("subjobs")[0];
            host = subjob.GetProperty("host").GetString() ?? "";
            return subjob.GetProperty("state").GetString() == "running" && subjob.GetProperty("attempt").GetInt32() == attempt
                && subjob.GetProperty("pid").ValueKind != System.Text.Json.JsonValueKind.Null;
        });
        return host;
    }
}
