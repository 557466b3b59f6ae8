using System.Globalization;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// A worker SIGKILLed while it holds a warm instance leaves the instance running, reparented and unwatched; the
/// worker started again under its name ends it, and what it started, before it registers.
/// </summary>
public sealed class OrphanedInstanceTests : IAsyncLifetime
{
    /// <summary>Answers its first call with its own pid and its child's, then ignores EOF on stdin and SIGTERM alike.</summary>
    private const string Stubborn = """
        trap '' TERM HUP INT
        sleep 100000 &
        child=$!
        echo PIPE_INIT_COMPLETE
        read -r line
        printf '{"result": [%s, %s], "content_type": "json"}\n' "$$" "$child" > "$ALGOOUT"
        while :; do read -r line || sleep 100000; done
        """;

    private TestCluster _farm = null!;

    public async ValueTask InitializeAsync() => _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), HeartbeatTimeout = "3s" });

    public async ValueTask DisposeAsync() => await _farm.DisposeAsync();

    [Fact]
    public async Task AWorkerStartedAgainEndsTheWarmInstanceItsSigkilledPredecessorLeft()
    {
        // Unsandboxed: a sandboxed instance dies with its worker (bubblewrap ends the sandbox when its parent goes), so
        // the process records are what ends an instance that has no sandbox to take it down.
        await StartWorkerAsync();
        var (key, _) = await TestAlgorithms.PublishAsync(_farm, "alice", "stubborn", ["sh", "stubborn.sh"],
            new Dictionary<string, string> { ["stubborn.sh"] = Stubborn });
        var reply = await _farm.Api.CallAsync(key, "alice/stubborn/1.0.0", "{}");
        int[] pids = [.. reply.GetProperty("result").EnumerateArray().Select(p => p.GetInt32())];
        var instance = Assert.Single((await _farm.Api.InstancesAsync()).Instances).Id;
        Assert.Equal(pids.Order(), Processes(instance));

        await _farm.KillWorkerAsync("w1");
        await Poll.UntilAsync("w1 to be declared down", async () => await _farm.Api.WorkerStateAsync("w1") == "down");
        // Its stdin is at EOF now, which it shrugs off by starting another sleep.
        Assert.Subset(Processes(instance).ToHashSet(), pids.ToHashSet());
        await StartWorkerAsync();

        Assert.Empty(Processes(instance));
        Assert.All(pids, pid => Assert.False(Alive(pid), $"process {pid} of instance {instance} is still running"));
        await Poll.UntilAsync("the instance to be gone from the list", async () => (await _farm.Api.InstancesAsync()).Instances.Count == 0);
        await LedgerCheck.AssertConsistentAsync(_farm.Api);
    }

    private Task<ClusterProcess> StartWorkerAsync() => _farm.StartWorkerProcessAsync("w1",
        ["worker", "--supervisor", _farm.Url.ToString(), "--name", "w1", "--resources", "host.processors=2,host.memory=1000", "--key", _farm.WorkerKey,
         "--sandbox", "off", "--verbose"]);

    /// <summary>The live processes whose environment names the instance.</summary>
    private static List<int> Processes(string instance)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Alive(pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(entry, "environ")).Split('\0').Contains($"HEARTH_INSTANCE_ID={instance}"))
                    {
                        found.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or someone else's.
                }
            }
        }

        return [.. found.Order()];
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
