using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// Reservations across failures, with the supervisor and workers as separate processes: instances lost with their
/// worker are replaced elsewhere, and a restarted supervisor keeps its reservations and takes back the warm
/// instances its workers still run instead of starting new ones.
/// </summary>
public sealed class ReservationRecoveryTests
{
    private static async Task<(long Reservation, Dictionary<string, string?> Alice)> ReserveEchoAsync(TestCluster cluster, int count)
    {
        await cluster.JsonAsync("account", "create", "alice");
        var alice = new Dictionary<string, string?> { ["HEARTH_URL"] = cluster.BaseUrl, ["HEARTH_API_KEY"] = (await cluster.JsonAsync("key", "create", "alice")).GetProperty("key").GetString() };
        var echo = Path.Combine(cluster.Root, "echo");
        Directory.CreateDirectory(echo);
        await File.WriteAllTextAsync(Path.Combine(echo, "hearth.json"), """{"entrypoint": ["python3", "echo.py"], "reservations": "host.processors=1,host.memory=64"}""");
        await File.WriteAllTextAsync(Path.Combine(echo, "echo.py"), """
            import json, os, sys
            out = open(os.environ["ALGOOUT"], "w")
            print("PIPE_INIT_COMPLETE", flush=True)
            for line in sys.stdin:
                out.write(json.dumps({"result": json.loads(line)["data"], "content_type": "json"}) + "\n")
                out.flush()
            """);
        var hash = (await cluster.JsonAsync("algo", "push", echo, "--as", "alice/echo")).GetProperty("hash").GetString()!;
        await cluster.JsonAsync("algo", "publish", "alice/echo", "--hash", hash, "--version", "1.0.0", "--public");
        var id = (await cluster.JsonAsync("reservations", "add", "--calling-user", "alice", "--algorithm", "alice/echo",
            "--version-type", "latest_public", "--count", $"{count}")).GetProperty("id").GetInt64();
        await WaitForReadyAsync(cluster, id);
        return (id, alice);
    }

    private static async Task WaitForReadyAsync(TestCluster cluster, long id) =>
        await Poll.UntilAsync($"reservation {id} to be ready", async () =>
            (await cluster.JsonAsync("reservations", "list")).GetProperty("reservations").EnumerateArray()
                .Single(r => r.GetProperty("id").GetInt64() == id).GetProperty("status").GetProperty("state").GetString() == "ready");

    private static async Task<List<JsonElement>> ReservedAsync(TestCluster cluster) =>
        [.. (await cluster.JsonAsync("instances")).GetProperty("instances").EnumerateArray().Where(i => i.GetProperty("reserved").GetBoolean())];

    [Fact]
    public async Task ReservedInstancesLostWithTheirWorkerAreReplacedOnAnother()
    {
        await using var cluster = await TestCluster.StartAsync("3s", null, ("w1", "host.processors=2,host.memory=4000"), ("w2", "host.processors=2,host.memory=4000"));
        var (id, _) = await ReserveEchoAsync(cluster, 2);
        var lost = (await ReservedAsync(cluster)).First().GetProperty("worker").GetString()!;
        var survivor = lost == "w1" ? "w2" : "w1";

        await cluster.KillWorkerAsync(lost);
        await Poll.UntilAsync($"both reserved instances to be warm on {survivor}", async () =>
            await ReservedAsync(cluster) is { Count: 2 } reserved
            && reserved.All(i => i.GetProperty("worker").GetString() == survivor && i.GetProperty("state").GetString() == "idle"));
        await WaitForReadyAsync(cluster, id);
    }

    [Fact]
    public async Task ARestartedSupervisorKeepsItsReservationsAndTakesBackTheWarmInstancesItsWorkersRun()
    {
        await using var cluster = await TestCluster.StartAsync(workers: ("w1", "host.processors=4,host.memory=4000"));
        var (id, alice) = await ReserveEchoAsync(cluster, 2);
        var before = (await ReservedAsync(cluster)).Select(i => i.GetProperty("id").GetString()).Order().ToList();

        await cluster.RestartSupervisorAsync();
        await Poll.UntilAsync("the worker to reconnect", async () => TestCluster.WorkerState(await cluster.WorkersAsync(), "w1") == "up");
        await WaitForReadyAsync(cluster, id);

        var instances = (await cluster.JsonAsync("instances")).GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(before, instances.Where(i => i.GetProperty("reserved").GetBoolean()).Select(i => i.GetProperty("id").GetString()).Order());
        Assert.Equal(2, instances.Count);
        var call = await HearthCli.RunAsync(alice, "call", "alice/echo", "\"after the restart\"", "--json");
        Assert.True(call.ExitCode == 0, call.ToString());
        Assert.False(call.Json.GetProperty("metadata").GetProperty("cold_start").GetBoolean());
    }
}
