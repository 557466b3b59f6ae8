using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// Algorithmia's own Python client (<c>algorithmiaio/algorithmia-python</c>, fetched by <c>./test</c> into
/// <c>tests/.tools</c>, never part of this repository), unmodified, against the data API: from outside, and from
/// inside an instance through <c>ALGORITHMIA_API</c>. The packages it imports for its management API and ADK, which
/// the data calls never touch and which are not installable here, are inert stand-ins. Skipped only without Python.
/// </summary>
public sealed class AlgorithmiaDataClientTests
{
    public const string ClientVariable = "HEARTH_TEST_ALGORITHMIA_PYTHON";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The client's checkout: <see cref="ClientVariable"/>, else where <c>./test</c> puts it.</summary>
    private static string ClientCheckout() => Environment.GetEnvironmentVariable(ClientVariable) is { Length: > 0 } path
        ? path
        : Path.Combine(HearthCli.Repository(), "tests", ".tools", "algorithmia-python");

    private static string RequireClient()
    {
        if (!File.Exists("/usr/bin/python3") && !File.Exists("/usr/local/bin/python3"))
        {
            Assert.Skip("python3 is not installed");
        }

        var checkout = ClientCheckout();
        Assert.True(Directory.Exists(Path.Combine(checkout, "Algorithmia")),
            $"Algorithmia's Python client is not at {checkout}: run ./test, which clones github.com/algorithmiaio/algorithmia-python there, or set {ClientVariable}");
        return checkout;
    }

    /// <summary>Inert stand-ins for <c>algorithmia_api_client</c> and <c>adk</c>, which the client imports at start.</summary>
    private static void WriteStandIns(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "algorithmia_api_client"));
        Directory.CreateDirectory(Path.Combine(directory, "adk"));
        File.WriteAllText(Path.Combine(directory, "algorithmia_api_client", "__init__.py"), """
            # A stand-in for the management API's generated client: every name asked for is an inert class.
            class Configuration(object):
                def __init__(self, *args, **kwargs):
                    self.api_key = {}
                    self.host = None


            def __getattr__(name):
                return type(name, (object,), {'__init__': lambda self, *args, **kwargs: None})
            """);
        File.WriteAllText(Path.Combine(directory, "algorithmia_api_client", "rest.py"), "class ApiException(Exception):\n    pass\n");
        File.WriteAllText(Path.Combine(directory, "adk", "__init__.py"), "class ADK(object):\n    pass\n");
    }

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*.py", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    [Fact]
    public async Task TheClientsFileAndDirectoryCallsWorkFromOutside()
    {
        var checkout = RequireClient();
        await using var cluster = await TestCluster.StartInProcessAsync(workers: 0);
        await cluster.AccountAsync("alice");
        var key = await cluster.KeyAsync("alice");
        var standIns = Path.Combine(cluster.Root, "stand-ins");
        WriteStandIns(standIns);

        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "DataFixtures", "outside.py"), cluster.BaseUrl, key, "alice"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONPATH"] = checkout + ":" + standIns;
        start.Environment.Remove("ALGORITHMIA_API_KEY");
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync(Cancel);
        var stderr = python.StandardError.ReadToEndAsync(Cancel);
        await python.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromMinutes(2), Cancel);

        Assert.True(python.ExitCode == 0 && (await stdout).Trim() == "ok", $"exit {python.ExitCode}\n{await stdout}\n{await stderr}");
    }

    [Fact]
    public async Task InsideAnInstanceTheClientReadsTheOwnersModelAndWritesAsTheCaller()
    {
        var checkout = RequireClient();
        await using var cluster = await TestCluster.StartInProcessAsync();
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        await cluster.AccountAsync("bob");
        await cluster.MemberAsync("acme", "alice");
        var alice = AlgorithmiaCallTests.Bare(cluster, await cluster.KeyAsync("alice"));
        var bob = AlgorithmiaCallTests.Bare(cluster, await cluster.KeyAsync("bob"));
        var build = AlgorithmiaCallTests.Layout(cluster, "datauser");
        CopyTree(Path.Combine(checkout, "Algorithmia"), Path.Combine(build, "Algorithmia"));
        WriteStandIns(build);
        await cluster.PublishAsync("acme/datauser", await cluster.PushAsync(build, "acme/datauser"), "1.0.0", isPublic: true);
        // The owner's model, in a collection with the default ACL (algo://.my/*); bob's collection for his results.
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync("/v1/data/acme", Json("{\"name\": \"models\"}"), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.PutAsync("/v1/data/acme/models/weights.txt", new StringContent("w=42"), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync("/v1/data/.my", Json("{\"name\": \"results\"}"), Cancel)).StatusCode);

        var model = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"read-model\"");
        var written = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"write-my\"");
        var refused = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"write-owner\"");
        var temp = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"algo-temp\"");
        var session = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"session\"");
        var sessionAfter = await ClusterAlgorithms.CallAsync(bob, "acme/datauser", "\"session-after\"");

        Assert.Equal("w=42", Result(model).GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/v1/data/acme/models/weights.txt", Cancel)).StatusCode);
        Assert.Equal("written inside", Result(written).GetString());
        Assert.Equal("written inside", await bob.GetStringAsync("/v1/data/bob/results/out.txt", Cancel));
        Assert.StartsWith("refused: ", Result(refused).GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/v1/data/acme/models/overwrite.txt", Cancel)).StatusCode);
        Assert.Equal("scratch", Result(temp).GetString());
        Assert.Equal("scratch", await bob.GetStringAsync("/v1/data/.algo/acme/datauser/temp/scratch.txt", Cancel));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/v1/data/.algo/acme/datauser/temp/scratch.txt", Cancel)).StatusCode);
        Assert.Equal("for this call", Result(session)[0].GetString());
        Assert.Equal(["s.txt"], Result(session)[1].EnumerateArray().Select(e => e.GetString()));
        Assert.False(Result(sessionAfter).GetBoolean());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static JsonElement Result(CallAnswer answer) => answer.Body.TryGetProperty("result", out var result)
        ? result
        : throw new Xunit.Sdk.XunitException($"the call failed: {answer.Status} {answer.Body}");
}
