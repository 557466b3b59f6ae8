using System.Net;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>Agenda jobs on a real supervisor with real workers: frame tokens, per-item output, retries, frame actions and a restart mid-agenda.</summary>
public sealed class FramesTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(workers: [("w1", "host.processors=2"), ("w2", "host.processors=2")]);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private string Marker(string name) => Path.Combine(_cluster.Root, name);

    [Fact]
    public async Task EveryItemRunsAsOneProcessWithItsFrameTokensAndKeepsItsOwnOutput()
    {
        var id = await SubmitAsync(
            ["--range", "1-10", "--chunk", "3", "--cpus", "2", "--padding", "3"],
            "sh", "-c", "echo QB_FRAME_START-QB_FRAME_END x$QB_FRAME_RANGE QB_PADDED_FRAME_NUMBER step QB_FRAME_STEP");

        Assert.Equal("complete", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());

        var frames = (await _cluster.JsonAsync("frames", $"{id}")).GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(["1-3", "4-6", "7-9", "10"], frames.Select(f => f.GetProperty("name").GetString()));
        Assert.All(frames, f => Assert.Equal(("complete", 1, 0), (f.GetProperty("state").GetString(), f.GetProperty("attempt").GetInt32(), f.GetProperty("exit_code").GetInt32())));
        Assert.Equal([4, 5, 6], frames[1].GetProperty("frames").EnumerateArray().Select(f => f.GetInt32()));
        Assert.Equal("4-6 x4-6 004 step 1\n", (await _cluster.RunAsync("logs", $"{id}", "--frame", "5")).Stdout);
        Assert.Equal("10-10 x10 010 step 1\n", (await _cluster.RunAsync("logs", $"{id}", "--frame", "10")).Stdout);

        var job = await _cluster.JobAsync(id);
        Assert.Equal(("1-10", 3, 4), (job.GetProperty("range").GetString(), job.GetProperty("chunk").GetInt32(), job.GetProperty("frames").GetProperty("complete").GetInt32()));
        Assert.Contains("range        1-10   chunk 3", (await _cluster.RunAsync("job", $"{id}")).Stdout, StringComparison.Ordinal);
        Assert.Equal(["4-6"], (await _cluster.JsonAsync("frames", $"{id}", "--state", "complete")).GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()).Where(n => n == "4-6"));
    }

    [Fact]
    public async Task AFailedItemIsRetriedAndEachAttemptsOutputIsKept()
    {
        var marker = Marker("failed-once");
        var id = await SubmitAsync(
            ["--range", "1-4", "--retry-work", "2", "--retry-work-delay", "100ms"],
            "sh", "-c", $"if [ QB_FRAME_NUMBER = 3 ] && [ ! -e '{marker}' ]; then touch '{marker}'; echo first; exit 4; fi; echo ok QB_FRAME_NUMBER");

        Assert.Equal("complete", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());

        var three = (await _cluster.JsonAsync("frames", $"{id}")).GetProperty("frames")[2];
        Assert.Equal(("3", "complete", 2), (three.GetProperty("name").GetString(), three.GetProperty("state").GetString(), three.GetProperty("attempt").GetInt32()));
        Assert.Equal("first\n", (await _cluster.RunAsync("logs", $"{id}", "--frame", "3", "--attempt", "1")).Stdout);
        Assert.Equal("ok 3\n", (await _cluster.RunAsync("logs", $"{id}", "--frame", "3")).Stdout);
    }

    [Fact]
    public async Task FrameActionsBlockCompleteKillAndRetryItemsAndGoInTheJobsHistory()
    {
        var go = Marker("go");
        var id = await SubmitAsync(["--range", "1-6"], "sh", "-c", $"while [ ! -e '{go}' ]; do sleep 0.05; done; echo done QB_FRAME_NUMBER");
        await WaitForItemAsync(id, "1", "running");

        await ActAsync("block", id, "5-6");
        await ActAsync("complete", id, "4");
        await ActAsync("kill", id, "1");
        await WaitForItemAsync(id, "1", "killed");
        var missing = await _cluster.RunAsync("frames", "block", $"{id}", "99");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"job {id} has no frame 99", missing.Stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(go, "", TestContext.Current.CancellationToken);
        await WaitForItemAsync(id, "3", "complete");
        Assert.Equal("blocked", (await _cluster.WaitForStateAsync(id, "blocked")).GetProperty("state").GetString());
        await ActAsync("unblock", id, "5");
        await ActAsync("kill", id, "6");
        Assert.Equal("killed", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
        Assert.Equal(0, Item(await FramesAsync(id), "4").GetProperty("attempt").GetInt32());

        var retried = await _cluster.JsonAsync("frames", "retry", $"{id}", "1,6");
        Assert.Equal(["1", "6"], retried.GetProperty("items").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("complete", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
        Assert.Equal("done 6\n", (await _cluster.RunAsync("logs", $"{id}", "--frame", "6")).Stdout);
        var history = (await _cluster.JobAsync(id)).GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("to").GetString()).ToList();
        Assert.Equal(["block 5-6 (2 item(s))", "complete 4 (1 item(s))", "kill 1 (1 item(s))", "unblock 5 (1 item(s))", "kill 6 (1 item(s))", "retry 1,6 (2 item(s))"], history);
    }

    [Fact]
    public async Task AnAgendaCarriesOnAcrossASupervisorRestartWithoutRunningAnItemTwice()
    {
        var go = Marker("restart-go");
        var id = await SubmitAsync(
            ["--range", "1-6", "--cpus", "2"], "sh", "-c", $"echo QB_FRAME_NUMBER >> '{Marker("ran")}'; while [ ! -e '{go}' ]; do sleep 0.05; done");
        await WaitForItemAsync(id, "2", "running");

        await _cluster.RestartSupervisorAsync();
        await File.WriteAllTextAsync(go, "", TestContext.Current.CancellationToken);

        Assert.Equal("complete", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
        Assert.All((await FramesAsync(id)).EnumerateArray(), f => Assert.Equal(1, f.GetProperty("attempt").GetInt32()));
        var ran = (await File.ReadAllLinesAsync(Marker("ran"), TestContext.Current.CancellationToken)).Order().ToList();
        Assert.Equal(["1", "2", "3", "4", "5", "6"], ran);
    }

    [Fact]
    public async Task BadAgendaInputIsRefusedWith400NamingTheFieldAndTheItem()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = _cluster.Admin;
        Assert.Contains("/v1/jobs/{id}/frames", await _cluster.Anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct), StringComparison.Ordinal);

        (string Body, string Detail)[] refused =
        [
            ("""{"command": ["true"], "range": "1-5,5-1x0"}""", "range: item 2 \"5-1x0\": the step must be at least 1"),
            ("""{"command": ["true"], "range": "1-2000000"}""", "range: item 1 \"1-2000000\": the range holds more than 1,000,000 frames"),
            ("""{"command": ["true"], "range": "1-5", "chunk": 0}""", "chunk: 0 is not allowed"),
            ("""{"command": ["true"], "range": "1-5", "padding": -1}""", "padding: -1 is not allowed"),
            ("""{"command": ["true"], "range": "1-5", "order": "random"}""", "order: \"random\" is not one of ascending, descending, binary"),
            ("""{"command": ["true"], "chunk": 4}""", "chunk: only an agenda job takes it"),
        ];
        foreach (var (body, detail) in refused)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("v1/jobs", UriKind.Relative), content, ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            Assert.StartsWith(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty((await _cluster.JsonAsync("jobs")).GetProperty("jobs").EnumerateArray());
        var cli = await _cluster.RunAsync("submit", "--range", "1-3,x", "--", "true");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("--range: item 2 \"x\": unexpected 'x'", cli.Stderr, StringComparison.Ordinal);

        var plain = await _cluster.SubmitAsync("host.processors=1", "true");
        using var action = new StringContent("""{"range": "1"}""", Encoding.UTF8, "application/json");
        using var unknown = await http.PostAsync(new Uri($"v1/jobs/{plain}/frames/explode", UriKind.Relative), action, ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("action: \"explode\" is not one of retry, complete, block, unblock, kill", await DetailAsync(unknown));
        using var notAgenda = await http.GetAsync(new Uri($"v1/jobs/{plain}/frames", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.BadRequest, notAgenda.StatusCode);
        Assert.StartsWith($"job {plain} is not an agenda job", await DetailAsync(notAgenda), StringComparison.Ordinal);
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return problem.RootElement.GetProperty("detail").GetString();
    }

    private async Task<long> SubmitAsync(string[] options, params string[] command)
    {
        var result = await _cluster.RunAsync(["submit", "--json", .. options, "--", .. command]);
        Assert.True(result.ExitCode == 0, $"submit failed: {result}");
        return result.Json.GetProperty("id").GetInt64();
    }

    private async Task ActAsync(string action, long id, string range) => await _cluster.JsonAsync("frames", action, $"{id}", range);

    private async Task<JsonElement> FramesAsync(long id) => (await _cluster.JsonAsync("frames", $"{id}")).GetProperty("frames");

    private static JsonElement Item(JsonElement frames, string name) => frames.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    private async Task WaitForItemAsync(long id, string name, string state)
    {
        JsonElement frames = default;
        await Poll.UntilAsync($"item {name} of job {id} to be {state}", async () =>
        {
            frames = await FramesAsync(id);
            return Item(frames, name).GetProperty("state").GetString() == state;
        }, state: () => $"job {id}: {frames}");
    }
}
