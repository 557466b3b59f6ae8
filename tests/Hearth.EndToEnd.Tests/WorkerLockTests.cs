namespace Hearth.EndToEnd.Tests;

/// <summary>Locking, purging and unlocking real workers.</summary>
public sealed class WorkerLockTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(workers: [("w1", "host.processors=2"), ("w2", "host.processors=2")]);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ALockedWorkerFinishesItsWorkTakesNoNewWorkAndAPurgeRequeuesItsWorkElsewhere()
    {
        // Only w1 is open: the long job lands there.
        await _cluster.JsonAsync("workers", "lock", "w2");
        // It runs until released, so it is still running whenever w1 is locked, and ends as soon as the test says.
        var go = Path.Combine(_cluster.Root, "go");
        var drained = await _cluster.SubmitAsync("host.processors=1", "sh", "-c", $"while [ ! -e '{go}' ]; do sleep 0.1; done; echo done");
        var purged = await _cluster.SubmitAsync("host.processors=1", "sleep", "300");
        await _cluster.WaitForStateAsync(drained, "running");
        await _cluster.WaitForStateAsync(purged, "running");

        // Swap: w1 locked drains, w2 takes the new work.
        var locked = await _cluster.JsonAsync("workers", "lock", "w1");
        Assert.True(locked.GetProperty("locked").GetBoolean());
        await _cluster.JsonAsync("workers", "unlock", "w2");
        var fresh = await _cluster.SubmitAsync("host.processors=1", "true");
        var freshJob = await _cluster.WaitForJobAsync(fresh);
        Assert.Equal("w2", freshJob.GetProperty("subjobs")[0].GetProperty("host").GetString());

        await File.WriteAllTextAsync(go, "", TestContext.Current.CancellationToken);
        var drainedJob = await _cluster.WaitForJobAsync(drained);
        Assert.Equal(("complete", "w1"), (drainedJob.GetProperty("state").GetString(), drainedJob.GetProperty("subjobs")[0].GetProperty("host").GetString()));
        Assert.Equal("running", (await _cluster.JobAsync(purged)).GetProperty("state").GetString());

        // The purge kills the sleep on w1 and it starts again on w2, as a new attempt.
        await _cluster.JsonAsync("workers", "lock", "w1", "--purge");
        await Poll.UntilAsync("the purged subjob to run again on w2", async () =>
        {
            var subjob = (await _cluster.JobAsync(purged)).GetProperty("subjobs")[0];
            return subjob.GetProperty("state").GetString() == "running" && subjob.GetProperty("host").GetString() == "w2";
        });

        var workers = await _cluster.WorkersAsync();
        Assert.Equal([true, false], workers.EnumerateArray().Select(w => w.GetProperty("locked").GetBoolean()));
        await _cluster.RunAsync("kill", $"{purged}");
        await _cluster.WaitForJobAsync(purged);
    }

    [Fact]
    public async Task ALockSurvivesASupervisorRestartAndUnlockingLetsWorkIn()
    {
        await _cluster.JsonAsync("workers", "lock", "w1");
        await _cluster.JsonAsync("workers", "lock", "w2");
        await _cluster.RestartSupervisorAsync();
        await Poll.UntilAsync("both workers to reconnect", async () =>
        {
            var workers = await _cluster.WorkersAsync();
            return TestCluster.WorkerState(workers, "w1") == "up" && TestCluster.WorkerState(workers, "w2") == "up";
        });
        Assert.All((await _cluster.WorkersAsync()).EnumerateArray(), w => Assert.True(w.GetProperty("locked").GetBoolean()));

        var id = await _cluster.SubmitAsync("host.processors=1", "true");
        await Poll.UntilAsync("the job to be seen pending", async () => (await _cluster.JobAsync(id)).GetProperty("state").GetString() == "pending");
        await _cluster.JsonAsync("workers", "unlock", "w2");
        var job = await _cluster.WaitForJobAsync(id);
        Assert.Equal(("complete", "w2"), (job.GetProperty("state").GetString(), job.GetProperty("subjobs")[0].GetProperty("host").GetString()));
        await _cluster.JsonAsync("workers", "unlock", "w1");

        var unknown = await _cluster.RunAsync("workers", "lock", "nobody");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("worker nobody not found", unknown.Stderr, StringComparison.Ordinal);
    }
}
