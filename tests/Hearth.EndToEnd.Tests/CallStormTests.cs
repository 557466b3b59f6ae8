using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// Far more concurrent callers than a cluster has room for instances: the supervisor stays up, and every call gets
/// either its answer or a 503 saying no capacity came free within its timeout, with a Retry-After. None is reset.
/// </summary>
public sealed class CallStormTests
{
    private const int Callers = 200;
    private static readonly TimeSpan Storm = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TwoHundredCallersOnFourSlotsGetAnswersOrClearRefusalsAndTheSupervisorStaysUp()
    {
        await using var cluster = await TestCluster.StartAsync(workers: ("w1", "host.processors=4,host.memory=4000"));
        await cluster.JsonAsync("account", "create", "alice");
        var key = (await cluster.JsonAsync("key", "create", "alice")).GetProperty("key").GetString()!;
        var alice = new Dictionary<string, string?> { ["HEARTH_URL"] = cluster.BaseUrl, ["HEARTH_API_KEY"] = key };
        var echo = AlgorithmWalkthroughTests.CopyExample(cluster, "echo");
        var push = await HearthCli.RunAsync(alice, "algo", "push", echo, "--as", "alice/echo", "--json");
        Assert.True(push.ExitCode == 0, $"push failed: {push}");
        var hash = push.Json.GetProperty("hash").GetString()!;
        var publish = await HearthCli.RunAsync(alice, "algo", "publish", "alice/echo", "--hash", hash, "--version", "1.0.0", "--public", "--json");
        Assert.True(publish.ExitCode == 0, $"publish failed: {publish}");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);

        var answered = 0;
        var refused = 0;
        var failures = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        async Task CallerAsync(int caller)
        {
            for (var n = 0; clock.Elapsed < Storm; n++)
            {
                var payload = $$"""{"caller":{{caller}},"n":{{n}}}""";
                // Half the callers give up after 2 s, so the no-capacity answer is exercised; the rest wait 4 s.
                var timeout = caller % 2 == 0 ? 2 : 4;
                try
                {
                    using var content = new StringContent(payload, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync($"/v1/algo/alice/echo?timeout={timeout}", content);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        using var json = JsonDocument.Parse(body);
                        if (json.RootElement.GetProperty("result").GetRawText() != payload)
                        {
                            failures.Enqueue($"caller {caller} sent {payload} and got {body}");
                        }

                        Interlocked.Increment(ref answered);
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                        && response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero
                        && body.Contains("within the timeout", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else
                    {
                        failures.Enqueue($"caller {caller}: {(int)response.StatusCode} (Retry-After {response.Headers.RetryAfter}) {body}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    failures.Enqueue($"caller {caller}: {e.GetType().Name}: {e.Message}");
                }

                if (failures.Count > 20)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(() => CallerAsync(c))));

        Assert.True(failures.IsEmpty,  $"{failures.Count} calls went wrong (answered {answered}, refused {refused}, supervisor running {cluster.SupervisorRunning}):\n"
            + string.Join('\n', failures.Take(20)) + "\nsupervisor log:\n" + cluster.Supervisor.Output);
        Assert.True(cluster.SupervisorRunning, "the supervisor exited:\n" + cluster.Supervisor.Output);
        Assert.True(answered > Callers, $"only {answered} calls were answered ({refused} refused)");

        // Still serving afterwards, from the same instances.
        using var last = new StringContent("\"after\"", Encoding.UTF8, "application/json");
        using var after = await http.PostAsync("/v1/algo/alice/echo", last, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
