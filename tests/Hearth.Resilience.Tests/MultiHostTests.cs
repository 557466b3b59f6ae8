using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// Workers as their own processes, each started from its own config file the way a worker on another machine
/// is: names, resources and keys from the file, TLS trusted through a private CA, keys required.
/// </summary>
public sealed class MultiHostTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private TestCluster _farm = null!;

    public async ValueTask InitializeAsync() => _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30) });

    public async ValueTask DisposeAsync() => await _farm.DisposeAsync();

    [Fact]
    public async Task WorkersStartedFromConfigFilesRegisterAsConfiguredAndShareTheWork()
    {
        var gpu = WriteConfig(_farm, "gpu-box", new { supervisor = _farm.Url, name = "gpu-box", resources = "host.processors=2,host.gpu=1", key_file = "supervisor/worker.key" });
        var cpu = WriteConfig(_farm, "cpu-box", new { supervisor = _farm.Url, name = "cpu-box", resources = "host.processors=3", key_file = "supervisor/worker.key", log_format = "json" });
        await _farm.StartWorkerProcessAsync("gpu-box", ["worker", "--config", gpu]);
        await _farm.StartWorkerProcessAsync("cpu-box", ["worker", "--config", cpu]);

        var resources = await _farm.Api.ResourcesAsync();
        Assert.Equal([("host.gpu", 1), ("host.processors", 2)], Totals(resources, "gpu-box", "host.gpu", "host.processors"));
        Assert.Equal([("host.processors", 3)], Totals(resources, "cpu-box", "host.processors"));
        var gpuJob = await _farm.SubmitHeldAsync("host.gpu=1");
        var spread = await _farm.SubmitHeldAsync("host.processors=1", cpus: 4);
        var onGpu = await _farm.WaitForSubjobsAsync(gpuJob, JobStates.Running, 1);
        var spreadView = await _farm.WaitForSubjobsAsync(spread, JobStates.Running, 4);

        Assert.Equal("gpu-box", onGpu.Subjobs[0].Host);
        Assert.Equal([("cpu-box", 3), ("gpu-box", 1)], spreadView.Subjobs.GroupBy(s => s.Host!).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key));
        await LedgerCheck.AssertConsistentAsync(_farm.Api);
        _farm.ReleaseAll();
        await _farm.WaitForJobAsync(spread, JobStates.Complete);
    }

    [Fact]
    public async Task AWorkerWithoutAKeyIsRefusedBeforeItConnectsAndSaysWhereAKeyComesFrom()
    {
        var config = WriteConfig(_farm, "keyless", new { supervisor = _farm.Url, name = "keyless" });
        await using var worker = ClusterProcess.Start("keyless worker", ["worker", "--config", config]);

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, worker.ExitCode);
        Assert.Contains("no key", worker.Output, StringComparison.Ordinal);
        Assert.Contains("key_file", worker.Output, StringComparison.Ordinal);
        Assert.Equal("absent", await _farm.Api.WorkerStateAsync("keyless"));
    }

    [Fact]
    public async Task AWorkerWithAWrongKeyStopsWithTheSupervisorsRefusal()
    {
        var config = WriteConfig(_farm, "impostor", new { supervisor = _farm.Url, name = "impostor", key = "hearth_not-a-real-key" });
        await using var worker = ClusterProcess.Start("impostor worker", ["worker", "--config", config]);

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("refused", worker.Output, StringComparison.Ordinal);
        Assert.Equal("absent", await _farm.Api.WorkerStateAsync("impostor"));
    }

    [Theory]
    [InlineData("{\"supervisor\": \"http://127.0.0.1:1\", \"key\": \"k\", \"resorces\": \"host.processors=1\"}", "resorces")]
    [InlineData("{\"supervisor\": \"ftp://farm\", \"key\": \"k\"}", "not an http:// or https:// URL")]
    [InlineData("{\"key\": \"k\", \"key_file\": \"worker.key\"}", "not both")]
    [InlineData("{\"key\": \"k\", \"resources\": \"host.processors=0.5\"}", "host.processors=0.5")]
    [InlineData("{\"key\": \"k\", \"tls\": {\"ca_file\": \"missing.pem\"}, \"supervisor\": \"https://farm:7070\"}", "missing.pem")]
    [InlineData("{\"key\": \"k\",", "worker config")]
    [InlineData("{\"key\": \"k\", \"build_cache_mb\": -1}", "\"build_cache_mb\" is -1; expected a whole number of megabytes, 0 or more")]
    [InlineData("{\"key\": \"k\", \"build_cache_mb\": \"10G\"}", "$.build_cache_mb")]
    [InlineData("{\"key\": \"k\", \"output_buffer_mb\": 0}", "\"output_buffer_mb\" is 0; expected a whole number of megabytes, 1 or more")]
    [InlineData("{\"key\": \"k\", \"environment\": {\"HEARTH_WORKER_KEY\": \"x\"}}", "\"environment\": \"HEARTH_WORKER_KEY\": HEARTH_* and QB_* variables are set by the worker")]
    [InlineData("{\"key\": \"k\", \"environment\": {\"QB_JOBSLOTS\": \"8\"}}", "\"environment\": \"QB_JOBSLOTS\": HEARTH_* and QB_* variables")]
    [InlineData("{\"key\": \"k\", \"environment\": {\"A=B\": \"x\"}}", "\"environment\": \"A=B\" is not a variable name")]
    [InlineData("{\"key\": \"k\", \"environment\": {\"TMPDIR\": 5}}", "$.environment.TMPDIR")]
    public async Task ABadConfigFileIsRefusedNamingWhatIsWrong(string json, string named)
    {
        var path = Path.Combine(_farm.Root, $"bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);
        await using var worker = ClusterProcess.Start("misconfigured worker", ["worker", "--config", path]);

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, worker.ExitCode);
        Assert.Contains(named, worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWorkerTrustsATlsSupervisorThroughThePrivateCaNamedInItsConfig()
    {
        var tls = TestCertificates.Create(_farm.Root, "127.0.0.1");
        await using var farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), Tls = tls });
        var trusting = WriteConfig(farm, "trusting", new { supervisor = farm.Url, name = "trusting", key_file = "supervisor/worker.key", resources = "host.processors=1", tls = new { ca_file = tls.Authority } });
        var untrusting = WriteConfig(farm, "untrusting", new { supervisor = farm.Url, name = "untrusting", key_file = "supervisor/worker.key", verbose = true });

        await farm.StartWorkerProcessAsync("trusting", ["worker", "--config", trusting]);
        await using var stranger = ClusterProcess.Start("untrusting worker", ["worker", "--config", untrusting]);
        var job = await farm.Api.SubmitAsync(new SubmitJobRequest(["echo", "over tls"]));
        await farm.WaitForJobAsync(job, JobStates.Complete);

        Assert.StartsWith("https://", farm.Url.ToString(), StringComparison.Ordinal);
        Assert.Equal("over tls\n", (await farm.Api.LogsAsync(job)).Subjobs[0].Stdout);
        await Poll.UntilAsync("the untrusting worker to report the certificate", () =>
            Task.FromResult(stranger.Output.Contains("certificate", StringComparison.OrdinalIgnoreCase)), TimeSpan.FromSeconds(30), () => stranger.Output);
        Assert.Equal("absent", await farm.Api.WorkerStateAsync("untrusting"));
    }

    internal static string WriteConfig(TestCluster farm, string name, object config)
    {
        var path = Path.Combine(farm.Root, $"{name}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config, Indented));
        return path;
    }

    private static List<(string, int)> Totals(ResourcesView view, string host, params string[] resources) =>
        [.. view.Hosts.Single(h => h.Host == host).Resources.Where(r => resources.Contains(r.Resource)).Select(r => (r.Resource, r.Total)).OrderBy(r => r.Resource)];
}
