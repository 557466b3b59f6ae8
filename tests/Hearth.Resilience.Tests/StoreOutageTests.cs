using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Testing;
using Npgsql;

namespace Hearth.Resilience.Tests;

/// <summary>
/// Store trouble is a state of the supervisor, not its end: while its database restarts, is down or has no room,
/// requests that need it are answered 503 (507 for a full disk) with <c>Retry-After</c> and the reason, reads served
/// from memory keep working, and the same process serves again once the store is back, having lost nothing it
/// acknowledged. The times each takes are printed.
/// </summary>
public sealed class StoreOutageTests(PostgresServer server)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APostgresRestartUnderContinuousSubmissionLosesNothingAcknowledgedAndTheProcessStaysUp()
    {
        var database = await server.CreateDatabaseAsync(Token);
        await using var farm = await TestCluster.StartAsync(new ClusterOptions { Database = database, ClientTimeout = TimeSpan.FromSeconds(60) });
        await using var load = Submissions.Start(farm, submitters: 4);
        await Poll.UntilAsync("submissions to be acknowledged", () => Alive(farm) && load.Acknowledged.Count >= 20, state: () => farm.Supervisor.Output);

        var clock = Stopwatch.StartNew();
        await server.RestartAsync(Token);
        var restarted = clock.Elapsed;
        var before = load.Acknowledged.Count;
        await Poll.UntilAsync("submissions to be acknowledged again after the restart", () => Alive(farm) && load.Acknowledged.Count >= before + 20,
            state: () => farm.Supervisor.Output);
        var again = clock.Elapsed;
        await load.StopAsync();

        Assert.False(farm.Supervisor.HasExited, farm.Supervisor.Output);
        Assert.Empty(load.Unexpected);
        var stored = await StoredJobsAsync(database);
        Assert.DoesNotContain(load.Acknowledged, id => !stored.Contains(id));
        Report($"PostgreSQL restart: {restarted.TotalMilliseconds:0} ms; {before + 20} submissions acknowledged again {again.TotalMilliseconds:0} ms after it began; " +
            $"{load.Acknowledged.Count} acknowledged in all, answers: {load.Summary}");
    }

    [Fact]
    public async Task ATenSecondPostgresOutageAnswers503WithTheReasonThenTheSameProcessServesAgain()
    {
        var database = await server.CreateDatabaseAsync(Token);
        await using var farm = await TestCluster.StartAsync(new ClusterOptions { Database = database, ClientTimeout = TimeSpan.FromSeconds(60) });
        var first = await SubmitAsync(farm);
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var clock = Stopwatch.StartNew();
        await server.StopForOutageAsync(Token);
        var down = clock.Elapsed;
        var refused = new List<TimeSpan>();
        while (clock.Elapsed < down + Outage)
        {
            var started = clock.Elapsed;
            var answer = await SubmitAsync(farm);
            Assert.False(farm.Supervisor.HasExited, farm.Supervisor.Output);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, true), (answer.Status, answer.RetryAfter > 0));
            Assert.Contains("PostgreSQL", answer.Detail, StringComparison.Ordinal);
            refused.Add(clock.Elapsed - started);
            // Served from memory: the cluster's workers and resources.
            using var workers = await farm.Admin.GetAsync(new Uri("v1/workers", UriKind.Relative), Token);
            Assert.Equal(HttpStatusCode.OK, workers.StatusCode);
            using var job = await farm.Admin.GetAsync(new Uri($"v1/jobs/{first.Id}", UriKind.Relative), Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, job.StatusCode);
        }

        await server.StartAgainAsync(Token);
        var up = clock.Elapsed;
        await Poll.UntilAsync("the same supervisor to acknowledge a submission", async () =>
            Alive(farm) && (await SubmitAsync(farm)).Status == HttpStatusCode.Created, state: () => farm.Supervisor.Output);
        var serving = clock.Elapsed;

        Assert.False(farm.Supervisor.HasExited, farm.Supervisor.Output);
        Assert.Equal(JobStates.Pending, (await farm.Admin.GetFromJsonAsync<JobView>($"v1/jobs/{first.Id}", ApiJson.Options, Token))!.State);
        Report($"PostgreSQL down {(up - down).TotalSeconds:0.0} s: {refused.Count} submissions answered 503 in {Median(refused).TotalMilliseconds:0} ms " +
            $"(median, longest {refused.Max().TotalMilliseconds:0} ms); serving again {(serving - up).TotalMilliseconds:0} ms after the server was back");
    }

    [Fact]
    public async Task AnOutageLongerThanTheLockCanBeHeldThroughStillStopsTheSupervisorForAStandbyToTakeOver()
    {
        // An 8 s heartbeat timeout has a 2 s fencing margin: the lock is held through 11 + 2 - 1 = 12 s unconfirmed.
        var database = await server.CreateDatabaseAsync(Token);
        await using var farm = await TestCluster.StartAsync(new ClusterOptions { Database = database, HeartbeatTimeout = "8s" });
        var clock = Stopwatch.StartNew();
        await server.StopForOutageAsync(Token);
        var down = clock.Elapsed;
        try
        {
            await farm.Supervisor.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await server.StartAgainAsync(Token);
        }

        var stopped = clock.Elapsed - down;
        Assert.Contains("lost its claim on the store", farm.Supervisor.Output, StringComparison.Ordinal);
        Report($"PostgreSQL down with an 8 s heartbeat timeout: the supervisor stopped {stopped.TotalSeconds:0.0} s after the server went down");
    }

    [Fact]
    public async Task ASqliteStoreOnAFullDiskAnswers507ThenRecoversWhenSpaceReturns()
    {
        var disk = Directory.CreateTempSubdirectory("hearth-small-disk-");
        if (await MountAsync("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", disk.FullName) is { } refusal)
        {
            disk.Delete();
            Assert.Skip($"a full disk needs a small file system of its own, and mounting a tmpfs failed: {refusal}");
        }

        try
        {
            await FullDiskAsync(Path.Combine(disk.FullName, "hearth.db"), Path.Combine(disk.FullName, "filler"));
        }
        finally
        {
            await MountAsync("umount", "--lazy", disk.FullName);
            disk.Delete(recursive: true);
        }
    }

    private static async Task FullDiskAsync(string database, string filler)
    {
        await using var farm = await TestCluster.StartAsync(new ClusterOptions { Database = $"sqlite:{database}", ClientTimeout = TimeSpan.FromSeconds(60) });
        var first = await SubmitAsync(farm);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var acknowledged = new List<long> { first.Id };

        await FillAsync(filler);
        var clock = Stopwatch.StartNew();
        // Pages already in the database or its journal may still take a small write; larger ones soon need new space.
        Answer full = default;
        await Poll.UntilAsync("a submission to be refused for want of space", async () =>
        {
            Assert.False(farm.Supervisor.HasExited, farm.Supervisor.Output);
            full = await SubmitAsync(farm, argument: new string('x', 32 * 1024));
            Assert.True(full.Status is HttpStatusCode.Created or HttpStatusCode.InsufficientStorage, $"{(int)full.Status}: {full.Detail}");
            if (full.Status == HttpStatusCode.Created)
            {
                acknowledged.Add(full.Id);
            }

            return full.Status == HttpStatusCode.InsufficientStorage;
        }, state: () => farm.Supervisor.Output);
        var refusedAfter = clock.Elapsed;
        Assert.True(full.RetryAfter > 0, "a 507 says when to try again");
        Assert.Contains("full", full.Detail, StringComparison.Ordinal);
        var again = await SubmitAsync(farm);
        Assert.Equal(HttpStatusCode.InsufficientStorage, again.Status);
        using (var workers = await farm.Admin.GetAsync(new Uri("v1/workers", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.OK, workers.StatusCode);
        }

        File.Delete(filler);
        var freed = clock.Elapsed;
        await Poll.UntilAsync("the same supervisor to acknowledge a submission once there is room", async () =>
        {
            Assert.False(farm.Supervisor.HasExited, farm.Supervisor.Output);
            var answer = await SubmitAsync(farm);
            if (answer.Status == HttpStatusCode.Created)
            {
                acknowledged.Add(answer.Id);
            }

            return answer.Status == HttpStatusCode.Created;
        }, state: () => farm.Supervisor.Output);
        var serving = clock.Elapsed;

        foreach (var id in acknowledged)
        {
            Assert.Equal(JobStates.Pending, (await farm.Admin.GetFromJsonAsync<JobView>($"v1/jobs/{id}", ApiJson.Options, Token))!.State);
        }

        Report($"SQLite on a full disk: 507 after {refusedAfter.TotalMilliseconds:0} ms of filling; serving again {(serving - freed).TotalMilliseconds:0} ms after space returned");
    }

    private static bool Alive(TestCluster farm) => !farm.Supervisor.HasExited ? true : throw new InvalidOperationException($"the supervisor exited:\n{farm.Supervisor.Output}");

    /// <summary>Writes until the file system says it is full.</summary>
    private static async Task FillAsync(string path)
    {
        var block = new byte[1024 * 1024];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                await file.WriteAsync(block, Token);
            }
        }
        catch (IOException)
        {
            block = new byte[4096];
            try
            {
                while (true)
                {
                    await file.WriteAsync(block, Token);
                }
            }
            catch (IOException)
            {
                // Full to the last page.
            }
        }
    }

    /// <summary>Runs mount or umount; null when it worked, else what it said.</summary>
    private static async Task<string?> MountAsync(params string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args[1..])
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync(Token);
            await process.WaitForExitAsync(Token);
            return process.ExitCode == 0 ? null : $"{string.Join(' ', args)} exited with {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{args[0]} could not run: {e.Message}";
        }
    }

    private static async Task<HashSet<long>> StoredJobsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT id FROM jobs", connection);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new HashSet<long>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<Answer> SubmitAsync(TestCluster farm, string argument = "x", HttpClient? client = null)
    {
        using var response = await (client ?? farm.Admin).PostAsJsonAsync("v1/jobs", new SubmitJobRequest(["true", argument], "outage"), ApiJson.Options, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        var json = body.Length > 0 ? JsonDocument.Parse(body).RootElement : default;
        var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0;
        return response.StatusCode == HttpStatusCode.Created
            ? new Answer(response.StatusCode, json.GetProperty("id").GetInt64(), retryAfter, "")
            : new Answer(response.StatusCode, 0, retryAfter, json.ValueKind == JsonValueKind.Object && json.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : body);
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private readonly record struct Answer(HttpStatusCode Status, long Id, double RetryAfter, string Detail);

    /// <summary>Submitters posting jobs back to back until stopped, each keeping what was acknowledged and what else came back.</summary>
    private sealed class Submissions : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<HttpStatusCode, int> _answers = new();
        private Task _running = Task.CompletedTask;

        public ConcurrentBag<long> Acknowledged { get; } = [];

        /// <summary>Answers that are neither an acknowledgement nor a 503 with <c>Retry-After</c>.</summary>
        public ConcurrentBag<string> Unexpected { get; } = [];

        public string Summary => string.Join(", ", _answers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key} x{a.Value}"));

        public static Submissions Start(TestCluster farm, int submitters)
        {
            var load = new Submissions();
            load._running = Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(() => load.SubmitAsync(farm))));
            return load;
        }

        private async Task SubmitAsync(TestCluster farm)
        {
            using var client = farm.Client(farm.AdminKey);
            while (!_stop.IsCancellationRequested)
            {
                var answer = await StoreOutageTests.SubmitAsync(farm, client: client);
                _answers.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
                if (answer.Status == HttpStatusCode.Created)
                {
                    Acknowledged.Add(answer.Id);
                }
                else if (answer.Status != HttpStatusCode.ServiceUnavailable || answer.RetryAfter <= 0)
                {
                    Unexpected.Add($"{(int)answer.Status} (Retry-After {answer.RetryAfter}): {answer.Detail}");
                }
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }
}
