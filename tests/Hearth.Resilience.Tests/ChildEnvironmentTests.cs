using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// A worker started from a shell holding both keys, with a variable added in its config: its subjobs and instances
/// see the minimal environment, the variable and their own QB_*/HEARTH_* variables, and neither key.
/// </summary>
public sealed class ChildEnvironmentTests : IAsyncLifetime
{
    private const string EnvironmentReply = """
        import json, os, sys
        out = open(os.environ["ALGOOUT"], "w")
        print("PIPE_INIT_COMPLETE", flush=True)
        for line in sys.stdin:
            out.write(json.dumps({"result": dict(os.environ), "content_type": "json"}) + "\n")
            out.flush()
        """;

    private TestCluster _farm = null!;

    public async ValueTask InitializeAsync() => _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30) });

    public async ValueTask DisposeAsync() => await _farm.DisposeAsync();

    [Fact]
    public async Task JobsAndInstancesSeeTheAddedVariableAndNeitherKey()
    {
        var config = Path.Combine(_farm.Root, "worker.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["supervisor"] = _farm.Url.ToString(),
            ["name"] = "w1",
            ["resources"] = "host.processors=2,host.memory=1000",
            ["environment"] = new Dictionary<string, string> { ["SITE_SCRATCH"] = "/scratch/site" },
        }), TestContext.Current.CancellationToken);
        // The worker reads its own key from HEARTH_WORKER_KEY, as an admin's shell would give it.
        await _farm.StartWorkerProcessAsync("w1", ["worker", "--config", config, "--verbose"],
            ["env", $"HEARTH_WORKER_KEY={_farm.WorkerKey}", $"HEARTH_API_KEY={_farm.AdminKey}", "LEAKY=1"]);

        var job = await _farm.Api.SubmitAsync(new SubmitJobRequest(["env"], Reservations: "host.processors=1"));
        await _farm.WaitForJobAsync(job, JobStates.Complete);
        var jobEnvironment = Parse((await _farm.Api.LogsAsync(job)).Subjobs[0].Stdout);

        var (key, _) = await TestAlgorithms.PublishAsync(_farm, "alice", "environ", ["python3", "environ.py"],
            new Dictionary<string, string> { ["environ.py"] = EnvironmentReply });
        var reply = await _farm.Api.CallAsync(key, "alice/environ/1.0.0", "{}");
        var instanceEnvironment = reply.GetProperty("result").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

        foreach (var (what, environment) in new[] { ("job", jobEnvironment), ("instance", instanceEnvironment) })
        {
            Assert.Equal("/scratch/site", environment.GetValueOrDefault("SITE_SCRATCH"));
            Assert.Equal("w1", environment.GetValueOrDefault("HEARTH_WORKER"));
            Assert.DoesNotContain(environment, v => v.Value.Contains(_farm.WorkerKey, StringComparison.Ordinal) || v.Value.Contains(_farm.AdminKey, StringComparison.Ordinal));
            Assert.DoesNotContain("LEAKY", environment.Keys);
            string[] expected = what == "job" ? ["HOME", "LANG", "PATH", "SITE_SCRATCH"] : ["ALGOOUT", "HOME", "LANG", "PATH", "PYTHONUNBUFFERED", "SITE_SCRATCH"];
            Assert.Subset(environment.Keys.ToHashSet(), expected.ToHashSet());
        }

        // The job runs env itself, so it shows exactly what the worker gave; an interpreter found on PATH may be a
        // wrapper script (pyenv's, say) that adds its own variables before the instance's program sees them.
        Assert.Equal(["HOME", "LANG", "PATH", "SITE_SCRATCH"], jobEnvironment.Keys.Where(n => !n.StartsWith("QB_", StringComparison.Ordinal) && !n.StartsWith("HEARTH_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(job.ToString(System.Globalization.CultureInfo.InvariantCulture), jobEnvironment["QB_JOBID"]);
        Assert.Contains("HEARTH_INSTANCE_ID", instanceEnvironment.Keys);
    }

    private static Dictionary<string, string> Parse(string env) =>
        env.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
