using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>A supervisor with no workers, for requests that are refused before any work is done.</summary>
public sealed class SupervisorOnly : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await TestCluster.StartAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Requests that do not bind get ProblemDetails in plain words: the JSON path and the type expected, the
/// query parameter, the content type to send, the key that is needed. Never a .NET type name, never a 404.
/// </summary>
public sealed class RestBindingTests(SupervisorOnly fixture) : IClassFixture<SupervisorOnly>
{
    private TestCluster Cluster => fixture.Cluster;

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        return http;
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"HTTP {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Hearth.", body, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/v1/jobs", """{"command": "ls"}""", "$.command: expected an array of strings")]
    [InlineData("/v1/jobs", """{"command": ["ls", 3]}""", "$.command[1]: expected a string")]
    [InlineData("/v1/jobs", """{"command": ["ls"], "cpus": "x"}""", "$.cpus: expected an integer")]
    [InlineData("/v1/jobs", "", "the body is empty: it must be a JSON object")]
    [InlineData("/v1/jobs", """{"command": [""", "the body is not valid JSON at $.command[0] (line 1, byte 14)")]
    [InlineData("/v1/accounts", """{"name": 5}""", "$.name: expected a string")]
    public async Task BodyThatDoesNotBindNamesTheJsonPathAndTheTypeExpected(string path, string body, string detail)
    {
        using var http = Client(Cluster.AdminKey);

        var response = await http.PostAsync(new Uri(path, UriKind.Relative), Json(body), TestContext.Current.CancellationToken);

        Assert.StartsWith(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/jobs", null, "the body must be JSON: send it with Content-Type: application/json")]
    [InlineData("/v1/jobs", "text/plain", "the body must be JSON: send it with Content-Type: application/json, not text/plain; charset=utf-8")]
    [InlineData("/v1/accounts", "text/plain", "the body must be JSON: send it with Content-Type: application/json, not text/plain; charset=utf-8")]
    [InlineData("/v1/admin/reservations", null, "the body must be JSON: send it with Content-Type: application/json")]
    public async Task BodyThatIsNotJsonIsUnsupportedMediaType(string path, string? contentType, string detail)
    {
        using var http = Client(Cluster.AdminKey);
        var content = new StringContent("""{"command": ["ls"], "name": "x"}""", Encoding.UTF8, contentType ?? "text/plain");
        if (contentType is null)
        {
            content.Headers.ContentType = null;
        }

        var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);

        Assert.Equal(detail, await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType));
    }

    [Theory]
    [InlineData("/v1/jobs/1/wait?timeout=abc", "query parameter timeout: \"abc\" is not a number")]
    [InlineData("/v1/jobs?limit=abc", "query parameter limit: \"abc\" is not an integer")]
    public async Task QueryValueThatDoesNotParseNamesTheParameter(string path, string detail)
    {
        using var http = Client(Cluster.AdminKey);

        var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task ForbiddenSaysWhichKeyIsNeededAndWhichWasSent()
    {
        using var http = Client(Cluster.WorkerKey);

        var response = await http.PostAsync(new Uri("/v1/accounts", UriKind.Relative), Json("""{"name": "zed"}"""), TestContext.Current.CancellationToken);

        Assert.Equal("this needs an admin key; the key sent is a worker key", await AssertProblemAsync(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task WorkerGivenTheWorkerPortStopsWithOneLineNamingTheApiUrl()
    {
        using var http = Client(Cluster.AdminKey);
        using var info = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/cluster/info", UriKind.Relative), TestContext.Current.CancellationToken));
        var workerUrl = $"http://127.0.0.1:{info.RootElement.GetProperty("worker_port").GetInt32()}";

        var result = await HearthCli.RunAsync(new Dictionary<string, string?>(), "worker", "--supervisor", workerUrl, "--name", "misdirected", "--key", Cluster.WorkerKey);

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"hearth: worker misdirected ({result.Stderr.Split('(', ')')[1]}) connecting to {workerUrl}/, run directory ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"hearth: {workerUrl} is the supervisor's worker port (gRPC over HTTP/2), not its API: use --supervisor {Cluster.BaseUrl}", lines[1]);
    }

    [Fact]
    public async Task TheWorkerCommandLineUpPrintsAddsAWorker()
    {
        var data = Path.Combine(Cluster.Root, "up");
        var port = FreePort.Pick();
        using var up = Process.Start(HearthCli.StartInfo(new Dictionary<string, string?>(), "up", "--data", data, "--port", $"{port}", "--worker-port", $"{FreePort.Pick()}", "--workers", "0"))!;
        Process? worker = null;
        try
        {
            string? hint = null;
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await up.StandardOutput.ReadLineAsync(bound.Token) is { } line && !line.StartsWith("Press Ctrl-C", StringComparison.Ordinal))
            {
                hint = line.StartsWith("Add a worker: ", StringComparison.Ordinal) ? line : hint;
            }

            var keyFile = Path.Combine(data, "worker.key");
            var prefix = $"Add a worker: HEARTH_WORKER_KEY=$(cat {keyFile}) ./hearth ";
            Assert.NotNull(hint);
            Assert.StartsWith(prefix, hint, StringComparison.Ordinal);
            Assert.Equal($"worker --supervisor http://127.0.0.1:{port}", hint[prefix.Length..]);

            var key = (await File.ReadAllTextAsync(keyFile, TestContext.Current.CancellationToken)).Trim();
            worker = Process.Start(HearthCli.StartInfo(new Dictionary<string, string?> { ["HEARTH_WORKER_KEY"] = key }, [.. hint[prefix.Length..].Split(' '), "--name", "added"]))!;
            var admin = new Dictionary<string, string?> { ["HEARTH_URL"] = $"http://127.0.0.1:{port}", ["HEARTH_API_KEY"] = (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"), TestContext.Current.CancellationToken)).Trim() };
            await Poll.UntilAsync("the added worker to be up", async () =>
            {
                var workers = await HearthCli.RunAsync(admin, "workers", "--json");
                return workers.ExitCode == 0 && TestCluster.WorkerState(workers.Json.GetProperty("workers"), "added") == "up";
            });
        }
        finally
        {
            foreach (var process in new[] { worker, up }.OfType<Process>().Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            worker?.Dispose();
        }
    }
}
