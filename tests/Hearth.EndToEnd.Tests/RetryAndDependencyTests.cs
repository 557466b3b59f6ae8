using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>Retries, retries by hand and dependencies, on a real supervisor with real workers.</summary>
public sealed class RetryAndDependencyTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(workers: [("w1", "host.processors=2"), ("w2", "host.processors=2")]);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private string Marker(string name) => Path.Combine(_cluster.Root, name);

    [Fact]
    public async Task AScriptThatFailsTheFirstTimeSucceedsOnItsRetryOnTheOtherWorkerAndBothAttemptsAreKept()
    {
        var marker = Marker("tried");
        var submitted = await _cluster.RunAsync(
            "submit", "--json", "--retries", "2", "--retry-delay", "200ms", "--",
            "sh", "-c", $"if [ -e '{marker}' ]; then echo second; else touch '{marker}'; echo first; exit 3; fi");
        Assert.Equal(0, submitted.ExitCode);
        var id = submitted.Json.GetProperty("id").GetInt64();

        var job = await _cluster.WaitForJobAsync(id);

        Assert.Equal("complete", job.GetProperty("state").GetString());
        var subjob = (await _cluster.JobAsync(id)).GetProperty("subjobs")[0];
        Assert.Equal(2, subjob.GetProperty("attempt").GetInt32());
        var first = Assert.Single(subjob.GetProperty("attempts").EnumerateArray());
        Assert.Equal((1, "failed", 3), (first.GetProperty("attempt").GetInt32(), first.GetProperty("outcome").GetString(), first.GetProperty("exit_code").GetInt32()));
        Assert.NotEqual(first.GetProperty("host").GetString(), subjob.GetProperty("host").GetString());
        Assert.Equal("first\n", (await _cluster.RunAsync("logs", $"{id}", "--attempt", "1")).Stdout);
        Assert.Equal("second\n", (await _cluster.RunAsync("logs", $"{id}")).Stdout);
        var text = await _cluster.RunAsync("job", $"{id}");
        Assert.Contains("attempt 1: failed on ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("retries      2, 0.2s apart", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADependencyChainRunsInOrderAndABlockedJobSurvivesASupervisorRestart()
    {
        var go = Marker("go");
        var a = await _cluster.SubmitAsync("host.processors=1", "sh", "-c", $"while [ ! -e '{go}' ]; do sleep 0.1; done");
        var b = await SubmitWaitingAsync($"{a}", "true");
        var c = await SubmitWaitingAsync($"{a},{b}", "true");
        await _cluster.WaitForStateAsync(a, "running");
        Assert.Equal("blocked", (await _cluster.JobAsync(b)).GetProperty("state").GetString());
        var shown = await _cluster.RunAsync("job", $"{c}");
        Assert.Contains($"waits for    {a}, {b} (still waiting for {a}, {b})", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains($"blocked: waiting for jobs {a}, {b} to complete", shown.Stdout, StringComparison.Ordinal);

        await _cluster.RestartSupervisorAsync();
        Assert.Equal("blocked", (await _cluster.JobAsync(c)).GetProperty("state").GetString());
        await File.WriteAllTextAsync(go, "", TestContext.Current.CancellationToken);

        var done = await _cluster.WaitForJobAsync(c);
        Assert.Equal("complete", done.GetProperty("state").GetString());
        var aDone = await _cluster.JobAsync(a);
        var bDone = await _cluster.JobAsync(b);
        Assert.Equal("complete", bDone.GetProperty("state").GetString());
        Assert.True(Started(bDone) >= Finished(aDone) && Started(await _cluster.JobAsync(c)) >= Finished(bDone));
        Assert.Equal([a, b], (await _cluster.JobAsync(c)).GetProperty("wait_for").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public async Task AFailedDependencyFailsItsDependentsAndRetryingItIntoCompletionLetsThemBeRetried()
    {
        var ok = Marker("ok");
        var a = await _cluster.SubmitAsync("host.processors=1", "test", "-e", ok);
        var b = await SubmitWaitingAsync($"{a}", "true");
        var c = await SubmitWaitingAsync($"{b}", "true");

        Assert.Equal("failed", (await _cluster.WaitForJobAsync(c)).GetProperty("state").GetString());
        Assert.Equal($"dependency {a} failed", (await _cluster.JobAsync(b)).GetProperty("subjobs")[0].GetProperty("error").GetString());
        Assert.Equal($"dependency {b} failed", (await _cluster.JobAsync(c)).GetProperty("subjobs")[0].GetProperty("error").GetString());

        var refused = await _cluster.RunAsync("job", "retry", $"{b}");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"dependency {a} failed; retry it first", refused.Stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(ok, "", TestContext.Current.CancellationToken);
        Assert.NotEqual("failed", (await _cluster.JsonAsync("job", "retry", $"{a}")).GetProperty("state").GetString());
        Assert.Equal("complete", (await _cluster.WaitForJobAsync(a)).GetProperty("state").GetString());
        await _cluster.JsonAsync("job", "retry", $"{b}");
        await _cluster.JsonAsync("job", "retry", $"{c}");

        Assert.Equal("complete", (await _cluster.WaitForJobAsync(c)).GetProperty("state").GetString());
        var retriedA = (await _cluster.JobAsync(a)).GetProperty("subjobs")[0];
        Assert.Equal(2, retriedA.GetProperty("attempt").GetInt32());
        Assert.Equal("failed", retriedA.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task UnknownDependenciesAndBadRetrySettingsAreRefusedNamingWhatIsWrong()
    {
        var unknown = await _cluster.RunAsync("submit", "--wait-for", "999", "--", "true");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("job 999 does not exist", unknown.Stderr, StringComparison.Ordinal);

        var notAnId = await _cluster.RunAsync("submit", "--wait-for", "1,x", "--", "true");
        Assert.Contains("--wait-for: \"x\" is not a job ID", notAnId.Stderr, StringComparison.Ordinal);

        var tooMany = await _cluster.RunAsync("submit", "--retries", "1000", "--", "true");
        Assert.Contains("retries 1000 is out of range: 0 to 100", tooMany.Stderr, StringComparison.Ordinal);

        var complete = await _cluster.SubmitAsync("host.processors=1", "true");
        await _cluster.WaitForJobAsync(complete);
        var nothing = await _cluster.RunAsync("job", "retry", $"{complete}");
        Assert.Contains($"job {complete} is complete and has no failed or killed subjob to retry", nothing.Stderr, StringComparison.Ordinal);
        var noSubjob = await _cluster.RunAsync("job", "retry", $"{complete}", "--subjob", "4");
        Assert.Contains($"job {complete} has no subjob 4", noSubjob.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRestApiDescribesRetryAndRefusesAnUnknownDependencyWith400()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_cluster.BaseUrl) };
        var ct = TestContext.Current.CancellationToken;
        var document = await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct);
        Assert.Contains("/v1/jobs/{id}/retry", document, StringComparison.Ordinal);
        Assert.Contains("wait_for", document, StringComparison.Ordinal);

        http.DefaultRequestHeaders.Add("Authorization", $"Bearer {_cluster.AdminKey}");
        using var body = new StringContent("""{"command": ["true"], "wait_for": [4242]}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), body, ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("wait_for: job 4242 does not exist", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        using var delay = new StringContent("""{"command": ["true"], "retry_delay": "soon"}""", System.Text.Encoding.UTF8, "application/json");
        using var refused = await http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), delay, ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(ct));
        Assert.StartsWith("retry_delay \"soon\" is not valid", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<long> SubmitWaitingAsync(string waitFor, params string[] command)
    {
        var result = await _cluster.RunAsync(["submit", "--json", "--wait-for", waitFor, "--", .. command]);
        Assert.True(result.ExitCode == 0, $"submit failed: {result}");
        return result.Json.GetProperty("id").GetInt64();
    }

    private static DateTimeOffset Started(JsonElement job) => job.GetProperty("started_at").GetDateTimeOffset();

    private static DateTimeOffset Finished(JsonElement job) => job.GetProperty("finished_at").GetDateTimeOffset();
}
