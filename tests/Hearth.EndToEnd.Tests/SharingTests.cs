using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>Sharing a cluster on real workers: quotas on slots and instances, and the refusals of bad settings.</summary>
public sealed class SharingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        // Accounts' jobs run sandboxed, and see the directory they are submitted from only as a job mount.
        await _cluster.StartWorkerAsync("w1", "host.processors=4,host.memory=4000", "--job-mount", $"{AppContext.BaseDirectory.TrimEnd('/')}:ro");
        await _cluster.JsonAsync("account", "create", "acme", "--org");
        await _cluster.JsonAsync("account", "create", "alice");
        await _cluster.JsonAsync("org", "add-member", "acme", "alice");
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<Dictionary<string, string?>> KeyOfAsync(string account) => new()
    {
        ["HEARTH_URL"] = _cluster.BaseUrl,
        ["HEARTH_API_KEY"] = (await _cluster.JsonAsync("key", "create", account)).GetProperty("key").GetString(),
    };

    private static async Task<JsonElement> JsonAsync(Dictionary<string, string?> env, params string[] args)
    {
        var result = await HearthCli.RunAsync(env, [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
        return result.Json;
    }

    private static async Task<long> SubmitAsAsync(Dictionary<string, string?> env, params string[] args)
    {
        var result = await HearthCli.RunAsync(env, ["submit", "--json", .. args]);
        Assert.True(result.ExitCode == 0, $"submit failed: {result}");
        return result.Json.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task AQuotaHoldsAnAccountToItsSlotsTheRestWaitsNamingItAndALowerLimitStopsNothing()
    {
        await _cluster.JsonAsync("account", "create", "dora");
        var dora = await KeyOfAsync("dora");
        var set = await _cluster.JsonAsync("account", "set", "dora", "--max-slots", "2");
        Assert.Equal((2, -1, 1), (set.GetProperty("max_slots").GetInt32(), set.GetProperty("max_instances").GetInt32(), set.GetProperty("shares").GetInt32()));

        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsAsync(dora, "-r", "host.processors=1", "--", "sleep", "600"));
        }

        await _cluster.WaitForStateAsync(ids[0], "running");
        await _cluster.WaitForStateAsync(ids[1], "running");
        await Poll.UntilAsync("the third job's reason to name the quota", async () =>
            (await _cluster.JobAsync(ids[2])).TryGetProperty("pending_reason", out var why)
            && why.GetString() == "quota: dora holds 2 of its 2 slots (max-slots)");

        // The cluster has room: the admin's job, held by no quota, runs beside dora's.
        var admin = await _cluster.SubmitAsync("host.processors=1", "true");
        Assert.Equal("complete", (await _cluster.WaitForJobAsync(admin)).GetProperty("state").GetString());
        Assert.Equal("pending", (await _cluster.JobAsync(ids[2])).GetProperty("state").GetString());

        // A lower limit applies to new work only: both running jobs keep running.
        await _cluster.JsonAsync("account", "set", "dora", "--max-slots", "1");
        var shown = await _cluster.JsonAsync("account", "show", "dora");
        Assert.Equal((1, 2), (shown.GetProperty("max_slots").GetInt32(), shown.GetProperty("held_slots").GetInt32()));
        Assert.Equal(["running", "running"], await Task.WhenAll(ids.Take(2).Select(async id => (await _cluster.JobAsync(id)).GetProperty("state").GetString())));

        // A slot freed under the limit: the waiting job takes it.
        await _cluster.JsonAsync("account", "set", "dora", "--max-slots", "2");
        await _cluster.RunAsync("kill", $"{ids[0]}");
        Assert.Equal("killed", (await _cluster.WaitForJobAsync(ids[0])).GetProperty("state").GetString());
        await _cluster.WaitForStateAsync(ids[2], "running");
        foreach (var id in ids.Skip(1))
        {
            await _cluster.RunAsync("kill", $"{id}");
            Assert.Equal("killed", (await _cluster.WaitForJobAsync(id)).GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task AnOrganizationsLimitHoldsItsMembersTogether()
    {
        await _cluster.JsonAsync("account", "create", "erin");
        await _cluster.JsonAsync("account", "create", "initech", "--org");
        await _cluster.JsonAsync("org", "add-member", "initech", "erin");
        var erin = await KeyOfAsync("erin");
        await _cluster.JsonAsync("account", "set", "initech", "--max-slots", "1");

        var first = await SubmitAsAsync(erin, "--", "sleep", "600");
        var second = await SubmitAsAsync(erin, "--", "true");
        await _cluster.WaitForStateAsync(first, "running");
        await Poll.UntilAsync("the second job to wait on its organization's quota", async () =>
            (await _cluster.JobAsync(second)).TryGetProperty("pending_reason", out var why)
            && why.GetString() == "quota: initech, erin's organization, holds 1 of its 1 slots (max-slots)");

        await _cluster.RunAsync("kill", $"{first}");
        Assert.Equal("killed", (await _cluster.WaitForJobAsync(first)).GetProperty("state").GetString());
        Assert.Equal("complete", (await _cluster.WaitForJobAsync(second)).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("nobody --max-slots 1", "account nobody not found")]
    [InlineData("alice --shares -1", "shares -1 is not allowed")]
    [InlineData("alice --shares 0", "shares 0 is not allowed")]
    [InlineData("alice --max-slots -2", "max_slots -2 is not a limit")]
    [InlineData("alice --max-instances -3", "max_instances -3 is not a limit")]
    [InlineData("alice", "nothing to change")]
    public async Task BadSharingSettingsAreRefusedNamingTheField(string args, string expected)
    {
        var result = await _cluster.RunAsync(["account", "set", .. args.Split(' ')]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(-1, (await _cluster.JsonAsync("account", "show", "alice")).GetProperty("max_slots").GetInt32());
    }

    [Fact]
    public async Task ACallOverMaxInstancesWithNoInstanceOfItsOwnGets429NamingTheQuota()
    {
        var alice = await KeyOfAsync("alice");
        var first = AlgorithmWalkthroughTests.CopyExample(_cluster, "echo");
        var second = Path.Combine(_cluster.Root, "echo-other");
        Directory.CreateDirectory(second);
        foreach (var file in Directory.EnumerateFiles(first))
        {
            File.Copy(file, Path.Combine(second, Path.GetFileName(file)));
        }

        // Another build of the same code: a call to it needs an instance of its own.
        await File.AppendAllTextAsync(Path.Combine(second, "echo.py"), "\n# another build\n", TestContext.Current.CancellationToken);
        foreach (var (dir, name) in new[] { (first, "acme/echo"), (second, "acme/other") })
        {
            var hash = (await JsonAsync(alice, "algo", "push", dir, "--as", name)).GetProperty("hash").GetString()!;
            await JsonAsync(alice, "algo", "publish", name, "--hash", hash, "--version", "1.0.0", "--public");
        }

        await _cluster.JsonAsync("account", "set", "alice", "--max-instances", "1");
        var warm = await JsonAsync(alice, "call", "acme/echo", "\"hi\"");
        Assert.Equal("\"hi\"", warm.GetProperty("result").GetRawText());
        await Poll.UntilAsync("alice's instance to count against her quota", async () =>
            (await _cluster.JsonAsync("account", "show", "alice")).GetProperty("held_instances").GetInt32() == 1);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_cluster.BaseUrl}/v1/algo/acme/other")
        {
            Content = new StringContent("\"hi\"", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Simple", alice["HEARTH_API_KEY"]);
        using var refused = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("quota: alice holds 1 of its 1 instances (max-instances)", body, StringComparison.Ordinal);

        // Her own instance still serves her, and with the limit lifted the other build starts.
        Assert.Equal("\"again\"", (await JsonAsync(alice, "call", "acme/echo", "\"again\"")).GetProperty("result").GetRawText());
        await _cluster.JsonAsync("account", "set", "alice", "--max-instances", "-1");
        await Poll.UntilAsync("the lifted limit to reach the call path", async () =>
            (await HearthCli.RunAsync(alice, "call", "acme/other", "\"hi\"", "--json")).ExitCode == 0);
    }
}
