using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// Two supervisors on one PostgreSQL database: the active one and a <c>--standby</c> that holds its ports and
/// answers 503 "standby". Workers are given both URLs. While jobs run, jobs are submitted and an algorithm is
/// called, the active supervisor is SIGKILLed: the standby takes the store over, the workers move to it, their
/// running processes and warm instance are adopted (nothing runs again), and every job either supervisor
/// acknowledged is there. The takeover time is measured and printed.
/// </summary>
public sealed class StandbyTakeoverTests(PostgresServer server) : IAsyncLifetime
{
    private const string Echo = "acme/echo";

    private TestCluster _farm = null!;
    private ClusterProcess? _standby;

    public async ValueTask InitializeAsync() =>
        _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), Database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken) });

    public async ValueTask DisposeAsync()
    {
        if (_standby is not null)
        {
            await _standby.DisposeAsync();
        }

        await _farm.DisposeAsync();
    }

    [Fact]
    public async Task AStandbyTakesOverFromASigkilledSupervisorAndAdoptsEverythingThatRuns()
    {
        var (port, workerPort) = (FreePort.Pick(), FreePort.Pick());
        var standbyUrl = new Uri($"http://127.0.0.1:{port}");
        _standby = ClusterProcess.Start("standby",
        [
            "supervisor", "--standby", "--data", _farm.DataDirectory, "--db", _farm.Database!, "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--worker-port", workerPort.ToString(CultureInfo.InvariantCulture), "--verbose",
        ]);
        using var standby = new SupervisorApi(standbyUrl, _farm.AdminKey);
        await Poll.UntilAsync("the standby to hold its port and say it stands by", async () =>
        {
            Assert.False(_standby.HasExited, $"the standby exited:\n{_standby.Output}");
            var (status, body) = await standby.ReadyAsync();
            return status == HttpStatusCode.ServiceUnavailable && body!.Checks["standby"].Detail.StartsWith("standby", StringComparison.Ordinal);
        }, state: () => _standby.Output);
        using (var health = await standby.RawGetAsync("healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var jobs = await standby.RawGetAsync("v1/jobs"))
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "2"), (jobs.StatusCode, jobs.Headers.RetryAfter?.ToString()));
        }

        var both = $"{_farm.Url},{standbyUrl}";
        foreach (var name in new[] { "w1", "w2" })
        {
            await _farm.StartWorkerProcessAsync(name,
                ["worker", "--supervisor", both, "--name", name, "--resources", "host.processors=4,host.memory=4000", "--key", _farm.WorkerKey, "--verbose"]);
        }

        var alice = await PublishEchoAsync();
        var reserved = await _farm.Api.AddReservationAsync("alice", Echo, "latest_public", 1);
        await Poll.UntilAsync("the reserved instance to be warm", async () =>
            (await _farm.Api.ReservationsAsync()).Reservations.Single(r => r.Id == reserved.Id).Status is { State: ReservationStates.Ready, Ready: 1 });
        var held = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await _farm.SubmitHeldAsync("host.processors=1", name: $"held-{i}"));
        }

        var running = new Dictionary<long, SubjobView>();
        foreach (var job in held)
        {
            running[job] = (await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1)).Subjobs[0];
        }

        // Load on both supervisors in turn: submissions (each acknowledged one must survive) and calls.
        using var traffic = new CancellationTokenSource();
        var acknowledged = new ConcurrentBag<long>();
        var calls = new ConcurrentBag<HttpStatusCode>();
        var submitting = SubmitUntilAsync([_farm.Url, standbyUrl], acknowledged, traffic.Token);
        var calling = CallUntilAsync([_farm.Url, standbyUrl], alice, calls, traffic.Token);
        await Poll.UntilAsync("traffic to flow", () => Task.FromResult(acknowledged.Count >= 3 && calls.Count(c => c == HttpStatusCode.OK) >= 3));

        var (okBefore, acknowledgedBefore) = (calls.Count(c => c == HttpStatusCode.OK), acknowledged.Count);
        var warm = (await _farm.Api.InstancesAsync()).Instances.Where(i => i.State is "idle" or "busy").ToList();
        Assert.Contains(warm, i => i.Reserved);
        var clock = Stopwatch.StartNew();
        await _farm.KillSupervisorAsync();
        var killed = clock.Elapsed;
        await Poll.UntilAsync("the standby to be ready", async () => (await standby.ReadyAsync()).Status == HttpStatusCode.OK,
            bound: TimeSpan.FromSeconds(30), state: () => _standby.Output);
        var ready = clock.Elapsed;
        await Poll.UntilAsync("both workers to move to the standby", async () =>
            await standby.WorkerStateAsync("w1") == "up" && await standby.WorkerStateAsync("w2") == "up",
            bound: TimeSpan.FromSeconds(30), state: () => _standby.Output);
        var workers = clock.Elapsed;
        await Poll.UntilAsync("calls and submissions to succeed on the standby", () =>
            Task.FromResult(calls.Count(c => c == HttpStatusCode.OK) >= okBefore + 3 && acknowledged.Count >= acknowledgedBefore + 3));
        await traffic.CancelAsync();
        await Task.WhenAll(submitting, calling);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"takeover: SIGKILL took {killed.TotalMilliseconds:0} ms; the standby was ready {(ready - killed).TotalMilliseconds:0} ms after it, " +
            $"both workers were up on it {(workers - killed).TotalMilliseconds:0} ms after it; {acknowledged.Count} submissions acknowledged, " +
            $"calls: {string.Join(", ", calls.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{(int)g.Key} x{g.Count()}"))}");
        TestContext.Current.TestOutputHelper?.WriteLine($"the standby's output:\n{_standby.Output}");
        Assert.True(workers - killed < TimeSpan.FromSeconds(30), $"takeover took {(workers - killed).TotalSeconds:0.0} s");

        foreach (var (job, before) in running)
        {
            var after = (await standby.JobAsync(job)).Subjobs[0];
            Assert.Equal((JobStates.Running, before.Host, before.Pid, before.Attempt), (after.State, after.Host, after.Pid, after.Attempt));
        }

        var listed = (await standby.GetAsync<JobListView>("v1/jobs?limit=10000")).Jobs.Select(j => j.Id).ToHashSet();
        Assert.DoesNotContain(acknowledged, id => !listed.Contains(id));
        // Every instance that was warm before the kill is still there, on its worker: adopted, not started again.
        var adopted = (await standby.InstancesAsync()).Instances;
        Assert.All(warm, w => Assert.Contains(adopted, a => (a.Id, a.Worker) == (w.Id, w.Worker)));
        await LedgerCheck.AssertConsistentAsync(standby, new Dictionary<string, Dictionary<string, int>> { [Echo] = new() { ["host.processors"] = 1, ["host.memory"] = 64 } });
        _farm.ReleaseAll();
        foreach (var job in held)
        {
            await Poll.UntilAsync($"job {job} to complete", async () => (await standby.JobAsync(job)).State == JobStates.Complete);
            Assert.Single(_farm.Starts(job, 0));
        }
    }

    /// <summary>Submits quick jobs to whichever supervisor answers, recording each acknowledged one, until cancelled.</summary>
    private async Task SubmitUntilAsync(Uri[] supervisors, ConcurrentBag<long> acknowledged, CancellationToken stop)
    {
        using var http = Client(_farm.AdminKey);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await http.PostAsJsonAsync(new Uri(supervisors[i % 2], "v1/jobs"), new SubmitJobRequest(["true"], $"load-{i}"), ApiJson.Options, stop);
                if (response.StatusCode == HttpStatusCode.Created || response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add((await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, stop))!.Id);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not acknowledged: the supervisor was down or standing by.
            }

            await Pause(stop);
        }
    }

    private static async Task CallUntilAsync(Uri[] supervisors, string key, ConcurrentBag<HttpStatusCode> outcomes, CancellationToken stop)
    {
        using var http = Client(key);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var content = new StringContent("{\"n\": 1}", System.Text.Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(new Uri(supervisors[i % 2], $"v1/algo/{Echo}?timeout=20"), content, stop);
                outcomes.Add(response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // A reset or refused connection: the supervisor was just killed.
            }

            await Pause(stop);
        }
    }

    private static async Task Pause(CancellationToken stop)
    {
        try
        {
            await Task.Delay(50, stop);
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private static HttpClient Client(string key)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        return http;
    }

    /// <summary>acme/echo 1.0.0, public, pushed by alice (a member of acme); returns alice's key.</summary>
    private async Task<string> PublishEchoAsync()
    {
        var (url, admin) = (_farm.Url, _farm.AdminKey);
        await HearthCli.RequireAsync(url, admin, "account", "create", "acme", "--org");
        await HearthCli.RequireAsync(url, admin, "account", "create", "alice");
        await HearthCli.RequireAsync(url, admin, "org", "add-member", "acme", "alice");
        var alice = (await HearthCli.RequireAsync(url, admin, "key", "create", "alice", "--json")).Json.GetProperty("key").GetString()!;
        var echo = Path.Combine(HearthCli.Repository(), "examples", "algorithms", "echo");
        var hash = (await HearthCli.RequireAsync(url, alice, "algo", "push", echo, "--as", Echo, "--json")).Json.GetProperty("hash").GetString()!;
        await HearthCli.RequireAsync(url, alice, "algo", "publish", Echo, "--hash", hash, "--version", "1.0.0", "--public");
        return alice;
    }
}
