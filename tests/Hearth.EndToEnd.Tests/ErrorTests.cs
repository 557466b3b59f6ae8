namespace Hearth.EndToEnd.Tests;

/// <summary>Bad input and failures each get one clear line on stderr, a non-zero exit code and no stack trace.</summary>
public sealed class ErrorTests(TwoWorkerCluster fixture) : IClassFixture<TwoWorkerCluster>
{
    private TestCluster Cluster => fixture.Cluster;

    private static void AssertOneLine(CliResult result, int exitCode, string expected)
    {
        Assert.Equal(exitCode, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {result.Stderr}");
        Assert.StartsWith("hearth: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host.processors=0", "quantity \"0\" is zero")]
    [InlineData("host.processors=4-2", "the maximum 2 is less than the minimum 4")]
    [InlineData("global.maya=2+", "global resources take a plain count N")]
    [InlineData("host.cpus=a", "quantity \"a\" is not an integer")]
    public async Task BadReservationIsRefusedWithTheParsersMessageAndNothingIsQueued(string reservations, string message)
    {
        var before = (await Cluster.JsonAsync("jobs", "--limit", "10000")).GetProperty("jobs").GetArrayLength();

        var result = await Cluster.RunAsync("submit", "-r", reservations, "--", "true");

        AssertOneLine(result, 2, message);
        Assert.StartsWith($"hearth: invalid reservation: item 1 \"{reservations}\": ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await Cluster.JsonAsync("jobs", "--limit", "10000")).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task ReservationOfAnUndefinedGlobalResourceIsRefusedByTheSupervisor()
    {
        var before = (await Cluster.JsonAsync("jobs", "--limit", "10000")).GetProperty("jobs").GetArrayLength();

        var result = await Cluster.RunAsync("submit", "-r", "host.processors=1,global.nuke=1", "--", "true");

        AssertOneLine(result, 2, "unknown global resource global.nuke; the cluster defines global.maya");
        Assert.Equal(before, (await Cluster.JsonAsync("jobs", "--limit", "10000")).GetProperty("jobs").GetArrayLength());
    }

    [Theory]
    [InlineData("host.processors=100", "waiting for capacity: needs host.processors=100, and the largest worker has 4 in all")]
    [InlineData("host.processors=1,host.gpu=1", "waiting for capacity: needs host.gpu=1, and no worker has host.gpu")]
    public async Task AJobThatNoWorkerCanRunSaysWhyItWaits(string reservations, string reason)
    {
        var id = (await Cluster.JsonAsync("submit", "-r", reservations, "--json", "--", "true")).GetProperty("id").GetInt64();
        try
        {
            var job = await Cluster.JsonAsync("job", $"{id}");
            Assert.Equal(("pending", reason), (job.GetProperty("state").GetString(), job.GetProperty("pending_reason").GetString()));
            var text = await Cluster.RunAsync("job", $"{id}");
            Assert.Contains($"  pending: {reason}\n", text.Stdout, StringComparison.Ordinal);
            AssertOneLine(await Cluster.RunAsync("wait", $"{id}", "--timeout", "1s"), 3, $"job {id} is still pending after 1s");
            AssertOneLine(await Cluster.RunAsync("logs", $"{id}", "--subjob", "-1"), 2, "--subjob -1 is negative; subjobs are numbered from 0");
        }
        finally
        {
            await Cluster.RunAsync("kill", $"{id}");
        }
    }

    [Fact]
    public async Task JobOverASizeLimitGetsOneClearLineNamingTheField()
    {
        AssertOneLine(await Cluster.RunAsync("submit", "--name", new string('n', 300), "--", "true"), 2, "name is 300 characters long; the limit is 256");
        AssertOneLine(await Cluster.RunAsync("submit", "--", "echo", new string('x', 70_000)), 2, "command is 70006 bytes long");
    }

    [Fact]
    public async Task AccountNameTakenInAnotherCaseOrReservedGetsOneClearLine()
    {
        Assert.Equal(0, (await Cluster.RunAsync("account", "create", "erin")).ExitCode);

        AssertOneLine(await Cluster.RunAsync("account", "create", "Erin", "--org"), 1, "account name Erin is taken by account erin: names are unique regardless of case");
        AssertOneLine(await Cluster.RunAsync("account", "create", "ADMIN"), 2, "account name \"ADMIN\" is reserved");
    }

    [Theory]
    [InlineData("job")]
    [InlineData("wait")]
    [InlineData("kill")]
    [InlineData("logs")]
    public async Task UnknownJobIdGetsOneClearLine(string command)
    {
        AssertOneLine(await Cluster.RunAsync(command, "987654"), 1, "job 987654 not found");
    }

    [Fact]
    public async Task JobIdThatIsNotANumberGetsOneClearLine()
    {
        AssertOneLine(await Cluster.RunAsync("job", "banana"), 2, "\"banana\" is not a job ID");
    }

    [Fact]
    public async Task UnreachableSupervisorGetsOneClearLine()
    {
        var url = $"http://127.0.0.1:{FreePort.Pick()}";

        var result = await HearthCli.RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = url, ["HEARTH_API_KEY"] = Cluster.AdminKey }, "jobs");

        AssertOneLine(result, 1, $"cannot reach the supervisor at {url}/: connection refused");
    }

    [Fact]
    public async Task BadKeyGetsOneClearLine()
    {
        var result = await HearthCli.RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = Cluster.BaseUrl, ["HEARTH_API_KEY"] = "hearth_wrong" }, "workers");

        AssertOneLine(result, 1, "refused the API key in HEARTH_API_KEY: the API key is not valid");
    }

    [Fact]
    public async Task MissingKeyGetsOneClearLine()
    {
        var result = await HearthCli.RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = Cluster.BaseUrl }, "jobs");

        AssertOneLine(result, 1, "no API key: set HEARTH_API_KEY");
    }

    [Fact]
    public async Task WorkerKeyCannotSubmitJobs()
    {
        var result = await HearthCli.RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = Cluster.BaseUrl, ["HEARTH_API_KEY"] = Cluster.WorkerKey }, "submit", "--", "true");

        AssertOneLine(result, 1, "the supervisor refused the API key in HEARTH_API_KEY: this needs an account's API key or an admin key; the key sent is a worker key");
    }

    [Fact]
    public async Task AnAccountCannotKillAnotherAccountsJobAndIsToldItIsNotFound()
    {
        await Cluster.JsonAsync("account", "create", "kate");
        await Cluster.JsonAsync("account", "create", "lars");
        var kate = As((await Cluster.JsonAsync("key", "create", "kate")).GetProperty("key").GetString()!);
        var lars = As((await Cluster.JsonAsync("key", "create", "lars")).GetProperty("key").GetString()!);
        var submitted = await HearthCli.RunAsync(kate, "submit", "--json", "--", "sleep", "60");
        Assert.True(submitted.ExitCode == 0, $"submit failed: {submitted}");
        var id = submitted.Json.GetProperty("id").GetInt64();
        await Cluster.WaitForStateAsync(id, "running");

        var refused = await HearthCli.RunAsync(lars, "kill", $"{id}");

        AssertOneLine(refused, 1, $"job {id} not found");
        var job = (await HearthCli.RunAsync(kate, "job", $"{id}", "--json")).Json;
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.Equal("kate", job.GetProperty("submitted_by").GetString());
        Assert.Equal(0, (await HearthCli.RunAsync(kate, "kill", $"{id}")).ExitCode);
    }

    private Dictionary<string, string?> As(string key) => new() { ["HEARTH_URL"] = Cluster.BaseUrl, ["HEARTH_API_KEY"] = key };
}
