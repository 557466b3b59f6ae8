using System.Net;
using System.Net.Sockets;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// Command-line mistakes caught by the parser: one plain line per error on stderr naming the option or
/// argument, a pointer to the command's help, exit code 2, and never the whole help or a .NET type name.
/// </summary>
public sealed class UsageErrorTests
{
    private static readonly Dictionary<string, string?> NoCluster = [];

    private static void AssertUsageError(CliResult result, string command, params string[] errors)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        string[] expected = [.. errors.Select(e => $"hearth: {e}"), $"Try '{command} --help'."];
        Assert.Equal(expected, result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("hearth submit", "--priority: \"abc\" is not an integer", "submit", "--priority", "abc", "--", "true")]
    [InlineData("hearth submit", "--cpus: \"1.5\" is not an integer", "submit", "--cpus", "1.5", "--", "true")]
    [InlineData("hearth jobs", "--limit: needs a value", "jobs", "--limit")]
    [InlineData("hearth reservation parse", "missing SPEC (a reservation string, e.g. host.processors=2+,global.maya=1)", "reservation", "parse")]
    [InlineData("hearth worker", "--log-format: \"xml\" is not one of text, json", "worker", "--log-format", "xml")]
    [InlineData("hearth jobs", "unexpected argument \"extra\" for 'hearth jobs'", "jobs", "extra")]
    [InlineData("hearth jobs", "unknown option --frob for 'hearth jobs'", "jobs", "--frob")]
    [InlineData("hearth", "unknown command \"frob\"", "frob")]
    [InlineData("hearth reservations", "'hearth reservations' needs a command: list, add, update, remove", "reservations")]
    public async Task ParseErrorIsOnePlainLineNamingTheOptionThenWhereHelpIs(string command, string error, params string[] args)
    {
        AssertUsageError(await HearthCli.RunAsync(NoCluster, args), command, error);
    }

    [Fact]
    public async Task EveryParseErrorGetsItsOwnLine()
    {
        var result = await HearthCli.RunAsync(NoCluster, "reservations", "add", "--count", "1", "--version-type", "semver");

        AssertUsageError(result, "hearth reservations add", "--calling-user is required", "--algorithm is required");
    }

    [Fact]
    public async Task HelpStillPrintsHelpAndSucceeds()
    {
        var result = await HearthCli.RunAsync(NoCluster, "submit", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--priority <priority>", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task SimulateTakesJsonAndPrintsTheSameJsonLines()
    {
        var scenario = Path.Combine(Directory.CreateTempSubdirectory("hearth-usage-").FullName, "s.json");
        await File.WriteAllTextAsync(scenario, """
            {"hosts": [{"name": "h1", "resources": "host.processors=8"}],
             "events": [{"submit": {"id": "a", "reservations": "host.processors=2"}}]}
            """, TestContext.Current.CancellationToken);

        var plain = await HearthCli.RunAsync(NoCluster, "simulate", scenario);
        var json = await HearthCli.RunAsync(NoCluster, "simulate", scenario, "--json");

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(plain.Stdout, json.Stdout);
        Assert.StartsWith("{\"event\": \"dispatch\", \"id\": \"a\", \"host\": \"h1\"", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", (await HearthCli.RunAsync(NoCluster, "simulate", "--help")).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("supervisor")]
    public async Task PortInUseIsOneLineWithNoStackTrace(string command)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("hearth-usage-").FullName;

        string[] args = [command, "--data", data, "--port", $"{port}", "--worker-port", $"{FreePort.Pick()}"];

        var result = await HearthCli.RunAsync(NoCluster, command == "up" ? [.. args, "--workers", "0"] : args);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            [$"hearth: cannot listen on 127.0.0.1:{port} or its worker port: Failed to bind to address http://127.0.0.1:{port}: address already in use."],
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
