using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>Licenses with outside use, per-host globals and run-time totals, on a real supervisor and worker.</summary>
public sealed class FarmResourceTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(globals: "license.nuke=2,global_host.mtx=1", workers: [("w1", "host.processors=4")]);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ALicenseReportHoldsWorkBackUntilOutsideUseDrops()
    {
        var report = await _cluster.JsonAsync("resources", "report", "license.nuke", "--in-use", "2");
        Assert.Equal((2, 0, 2, 0), Usage(report));

        var id = await _cluster.SubmitAsync("license.nuke=1", "sh", "-c", "echo $QB_ALLOCATIONS");
        await Poll.UntilAsync("the pending reason to name the outside use", async () =>
            (await _cluster.JobAsync(id)).TryGetProperty("pending_reason", out var why)
            && why.GetString()?.Contains("2 in use outside the farm", StringComparison.Ordinal) == true);
        Assert.Equal("pending", (await _cluster.JobAsync(id)).GetProperty("state").GetString());

        await _cluster.JsonAsync("resources", "report", "license.nuke", "--in-use", "1");
        var job = await _cluster.WaitForJobAsync(id);

        Assert.Equal("complete", job.GetProperty("state").GetString());
        Assert.Equal("host.processors=1,license.nuke=1\n", (await _cluster.RunAsync("logs", $"{id}")).Stdout);
        var nuke = Global(await _cluster.JsonAsync("resources"), "license.nuke");
        Assert.Equal((2, 0, 1, 1), Usage(nuke));
    }

    [Fact]
    public async Task RunTimeTotalsAndOutsideUseSurviveASupervisorRestart()
    {
        await _cluster.JsonAsync("resources", "set", "global.maya=3,global_host.mtx=2");
        await _cluster.JsonAsync("resources", "report", "license.nuke", "--in-use", "1");
        var worker = await _cluster.JsonAsync("workers", "set", "w1", "host.gpu=2");
        Assert.Contains(worker.GetProperty("resources").EnumerateArray(), r => r.GetProperty("resource").GetString() == "host.gpu");

        await _cluster.RestartSupervisorAsync();
        await Poll.UntilAsync("w1 to reconnect", async () => TestCluster.WorkerState(await _cluster.WorkersAsync(), "w1") == "up");

        var resources = await _cluster.JsonAsync("resources");
        Assert.Equal(3, Global(resources, "global.maya").GetProperty("total").GetInt32());
        Assert.Equal(2, Global(resources, "global_host.mtx").GetProperty("total").GetInt32());
        Assert.Equal(1, Global(resources, "license.nuke").GetProperty("outside").GetInt32());
        var gpu = resources.GetProperty("hosts")[0].GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("resource").GetString() == "host.gpu");
        Assert.Equal(2, gpu.GetProperty("total").GetInt32());

        var id = await _cluster.SubmitAsync("host.gpu=2,global.maya=3", "sh", "-c", "echo $QB_ALLOCATIONS");
        Assert.Equal("complete", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task BadFarmControlsAreRefusedWithTheReason()
    {
        var notLicense = await _cluster.RunAsync("resources", "report", "global_host.mtx", "--in-use", "1");
        Assert.Equal(2, notLicense.ExitCode);
        Assert.Contains("not a license resource", notLicense.Stderr, StringComparison.Ordinal);

        var unknown = await _cluster.RunAsync("resources", "report", "license.none", "--in-use", "1");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("license.none is not defined", unknown.Stderr, StringComparison.Ordinal);

        var noWorker = await _cluster.RunAsync("workers", "set", "nobody", "host.gpu=1");
        Assert.Equal(1, noWorker.ExitCode);
        Assert.Contains("worker nobody not found", noWorker.Stderr, StringComparison.Ordinal);

        var hostOnSupervisor = await _cluster.RunAsync("resources", "set", "host.gpu=1");
        Assert.Equal(2, hostOnSupervisor.ExitCode);
    }

    private static JsonElement Global(JsonElement resources, string name) =>
        resources.GetProperty("global").EnumerateArray().Single(r => r.GetProperty("resource").GetString() == name);

    private static (int Total, int Used, int Outside, int Free) Usage(JsonElement usage) => (
        usage.GetProperty("total").GetInt32(), usage.GetProperty("used").GetInt32(),
        usage.GetProperty("outside").GetInt32(), usage.GetProperty("free").GetInt32());
}
