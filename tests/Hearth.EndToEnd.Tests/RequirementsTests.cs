namespace Hearth.EndToEnd.Tests;

/// <summary>Requirements and job changes on real workers with different groups, from the CLI.</summary>
public sealed class RequirementsTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        await _cluster.StartWorkerAsync("plain", "host.processors=2", "--groups", "render");
        await _cluster.StartWorkerAsync("gpubox", "host.processors=2", "--groups", "gpu,render", "--cluster", "west");
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task WorkLandsOnlyOnTheMatchingWorkerAndWaitsWithAReasonWhenNoneMatches()
    {
        var workers = (await _cluster.WorkersAsync()).EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!, w => w.GetProperty("properties"));
        Assert.Equal(["gpu", "render"], workers["gpubox"].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(("west", "linux"), (workers["gpubox"].GetProperty("cluster").GetString(), workers["gpubox"].GetProperty("os").GetString()));
        Assert.Equal("gpubox", workers["gpubox"].GetProperty("name").GetString());
        Assert.NotEqual("", workers["plain"].GetProperty("arch").GetString());

        foreach (var where in (string[][])[["--groups", "gpu"], ["--requirements", "host.os == \"linux\" and \"gpu\" in host.groups"], ["--omit-hosts", "plain"], ["--hosts", "gpubox"]])
        {
            var submitted = await _cluster.RunAsync(["submit", "--json", .. where, "--", "true"]);
            Assert.True(submitted.ExitCode == 0, submitted.ToString());
            var job = await _cluster.WaitForJobAsync(submitted.Json.GetProperty("id").GetInt64());
            Assert.Equal(("complete", "gpubox"), (job.GetProperty("state").GetString(), job.GetProperty("subjobs")[0].GetProperty("host").GetString()));
        }

        var windows = await _cluster.RunAsync("submit", "--json", "--requirements", "host.os == \"windows\" and \"render\" in host.groups", "--", "true");
        var id = windows.Json.GetProperty("id").GetInt64();
        await Poll.UntilAsync("the pending reason to name the unmet part", async () =>
            (await _cluster.JobAsync(id)).TryGetProperty("pending_reason", out var reason) && reason.GetString() == "no up host has host.os == \"windows\"");
        Assert.Equal("host.os == \"windows\" and \"render\" in host.groups", (await _cluster.JobAsync(id)).GetProperty("requirements").GetString());

        var bad = await _cluster.RunAsync("submit", "--requirements", "host.os = \"linux\"", "--", "true");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--requirements: column 9: a single = is not a comparison; write ==", bad.Stderr, StringComparison.Ordinal);
        await _cluster.RunAsync("kill", $"{id}");
    }

    [Fact]
    public async Task APendingJobsRequirementsAndARunningJobsPriorityChangeAndTheChangesOutliveARestart()
    {
        var waiting = (await _cluster.RunAsync("submit", "--json", "--requirements", "\"nowhere\" in host.groups", "--priority", "500", "--", "true")).Json.GetProperty("id").GetInt64();
        var running = await _cluster.SubmitAsync("host.processors=1", "sleep", "300");
        await _cluster.WaitForStateAsync(running, "running");

        var reprioritized = await _cluster.JsonAsync("modify", $"{running}", "--priority", "7");
        Assert.Equal(7, reprioritized.GetProperty("priority").GetInt32());
        var refused = await _cluster.RunAsync("modify", $"{running}", "--requirements", "\"gpu\" in host.groups");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"job {running} is running: its reservations and requirements can change only while it is pending", refused.Stderr, StringComparison.Ordinal);
        var badSyntax = await _cluster.RunAsync("modify", $"{waiting}", "--requirements", "(\"gpu\" in host.groups");
        Assert.Equal(2, badSyntax.ExitCode);
        Assert.Contains("column 22: expected ) to close the ( at column 1", badSyntax.Stderr, StringComparison.Ordinal);

        await _cluster.RestartSupervisorAsync();
        await Poll.UntilAsync("both workers to reconnect", async () =>
        {
            var workers = await _cluster.WorkersAsync();
            return TestCluster.WorkerState(workers, "plain") == "up" && TestCluster.WorkerState(workers, "gpubox") == "up";
        });
        Assert.Equal("pending", (await _cluster.JobAsync(waiting)).GetProperty("state").GetString());

        var modified = await _cluster.JsonAsync("modify", $"{waiting}", "--requirements", "host.cluster == \"west\"", "-r", "host.processors=1");
        var changes = modified.GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("field").GetString()}: {c.GetProperty("from").GetString()} -> {c.GetProperty("to").GetString()}").ToList();
        Assert.Equal(["requirements: \"nowhere\" in host.groups -> host.cluster == \"west\""], changes);
        var done = await _cluster.WaitForJobAsync(waiting);
        Assert.Equal(("complete", "gpubox"), (done.GetProperty("state").GetString(), done.GetProperty("subjobs")[0].GetProperty("host").GetString()));

        var after = await _cluster.JobAsync(running);
        Assert.Equal(7, after.GetProperty("priority").GetInt32());
        Assert.Equal("priority: 9999 -> 7 by admin", after.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("field").GetString()}: {c.GetProperty("from").GetString()} -> {c.GetProperty("to").GetString()} by {c.GetProperty("by").GetString()}").Single());
        var shown = await _cluster.RunAsync("job", $"{running}");
        Assert.Contains("by admin: priority 9999 -> 7", shown.Stdout, StringComparison.Ordinal);

        var policy = await _cluster.JsonAsync("policy", "--highest-user-priority", "100");
        Assert.Equal(100, policy.GetProperty("highest_user_priority").GetInt32());
        Assert.Equal(100, (await _cluster.JsonAsync("policy")).GetProperty("highest_user_priority").GetInt32());
        await _cluster.RunAsync("kill", $"{running}");
        await _cluster.WaitForJobAsync(running);
    }
}
