using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Hearth.Cli.Client;
using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;
using Hearth.Supervisor;
using Hearth.Worker;
using Hearth.Worker.Builds;
using Hearth.Worker.Sandboxing;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth bench calls</c>: a throwaway local cluster (supervisor and one worker in this process) serves the echo
/// example; C clients call it over HTTP for S seconds, then the same echo program is driven directly over its pipe
/// for S seconds, the floor. Reports latency percentiles and throughput of both, and the overhead between them.
/// </summary>
internal static class CallsBenchCommand
{
    public static Command Create()
    {
        var concurrency = new Option<int>("--concurrency") { Description = "Callers at once (each warm instance serves one call at a time)", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "How long each of the two measurements runs", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "End with one JSON line" };
        var sandbox = WorkerSettings.SandboxOption();
        var command = new Command("calls", "Warm-call latency and throughput through Hearth versus the echo process driven directly over its pipe")
        {
            concurrency, seconds, json, sandbox,
        };
        command.SetAction((result, _) => RunAsync(
            result.GetValue(concurrency), result.GetValue(seconds), result.GetValue(json), WorkerSettings.ParseSandbox(result.GetValue(sandbox), "--sandbox") ?? SandboxMode.Auto));
        return command;
    }

    private static async Task<int> RunAsync(int concurrency, double seconds, bool json, SandboxMode sandbox)
    {
        if (concurrency is < 1 or > 256 || seconds is <= 0 or > 3600)
        {
            return Output.Error("--concurrency must be 1 to 256 and --seconds more than 0 and at most 3600", ExitCodes.InvalidInput);
        }

        var echo = FindEcho();
        if (echo is null)
        {
            return Output.Error("cannot find examples/algorithms/echo: run the benchmark from the Hearth repository", ExitCodes.InvalidInput);
        }

        // No extra thread-pool threads: nothing on the call path blocks a thread, and on a small machine spare threads
        // only add context switches.
        var data = Directory.CreateTempSubdirectory("hearth-bench-calls-");
        var duration = TimeSpan.FromSeconds(seconds);
        try
        {
            Measurement hearth;
            ColdStartFigures coldStart;
            string isolation;
            await using (var host = await SupervisorHost.StartAsync(new SupervisorOptions { DataDirectory = data.FullName, Port = 0, WorkerPort = 0 }).ConfigureAwait(false))
            {
                using var stop = new CancellationTokenSource();
                using var agent = new WorkerAgent(new WorkerOptions
                {
                    Supervisor = host.Url,
                    ApiKey = host.Keys.WorkerKey!,
                    Name = "bench",
                    Resources = $"host.processors={concurrency + 1},host.memory={64 * (concurrency + 1)}",
                    RunDirectory = Path.Combine(data.FullName, "worker"),
                    Sandbox = sandbox,
                });
                isolation = agent.Isolation;
                var running = Task.Run(() => agent.RunAsync(stop.Token), CancellationToken.None);
                await agent.Registered.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                var key = await SetUpAsync(host, echo, data.FullName).ConfigureAwait(false);
                (hearth, coldStart) = await MeasureHearthAsync(host.Url, key, concurrency, duration, json).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await running.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                await host.StopAsync().ConfigureAwait(false);
            }

            var direct = await DirectPipe.MeasureAsync(echo, Path.Combine(data.FullName, "direct"), concurrency, duration).ConfigureAwait(false);
            Report(concurrency, hearth, direct, json, coldStart, isolation);
            return ExitCodes.Ok;
        }
        catch (CliException e)
        {
            return Output.Error(e.Message, e.ExitCode);
        }
        catch (TimeoutException)
        {
            return Output.Error("the benchmark timed out");
        }
        finally
        {
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
                // An instance's run directory was still being removed; the temporary directory is harmless.
            }
        }
    }

    /// <summary>An account with a key, and the echo example pushed and published as bench/echo 1.0.0.</summary>
    private static async Task<string> SetUpAsync(SupervisorHost host, string echo, string scratch)
    {
        using var admin = new SupervisorClient(host.Url, host.Keys.AdminKey);
        await admin.PostAsync<AccountView>("/v1/accounts", new CreateAccountRequest("bench", "user"), CancellationToken.None).ConfigureAwait(false);
        var key = await admin.PostAsync<KeyCreatedView>("/v1/accounts/bench/keys", null, CancellationToken.None).ConfigureAwait(false);
        var archive = Path.Combine(scratch, "echo.tar.gz");
        var build = await BuildPackager.PackageAsync(echo, archive, _ => { }, CancellationToken.None).ConfigureAwait(false);
        await using (var stream = File.OpenRead(archive))
        {
            await admin.UploadAsync<PushView>($"/v1/algorithms/bench/echo/builds?hash={build.Hash}&source=content", stream, "application/gzip", CancellationToken.None)
                .ConfigureAwait(false);
        }

        await admin.PostAsync<VersionView>("/v1/algorithms/bench/echo/versions", new PublishRequest(build.Hash, "1.0.0", "public"), CancellationToken.None)
            .ConfigureAwait(false);
        return key.Key;
    }

    private static async Task<(Measurement Warm, ColdStartFigures ColdStart)> MeasureHearthAsync(Uri url, string key, int concurrency, TimeSpan duration, bool json)
    {
        // No trace headers: a caller measuring latency does not ask the server to trace every request.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = url,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);

        // Every caller at once: the first calls cold-start one instance per caller (spillover), then all are warm.
        var first = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => CallAsync(http, i))).ConfigureAwait(false);
        var cold = first.Select(c => c.Milliseconds).ToArray();
        var steps = ColdStartFigures.Steps(first[0].Body);
        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warm-up: {concurrency} callers, first calls {cold.Min():F1}-{cold.Max():F1} ms (cold starts)"));
            Console.Out.WriteLine("cold start of the first caller's instance: "
                + string.Join(", ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:F1} ms"))));
        }

        // Long enough for the runtime to finish optimizing the hot path (tiered compilation), which is slow on a busy machine.
        await RunLoopsAsync(http, concurrency, TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds))).ConfigureAwait(false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        var measured = await RunLoopsAsync(http, concurrency, duration).ConfigureAwait(false);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (!json)
        {
            // Client, supervisor and worker share this process; the echo processes are not counted.
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cpu: {used.TotalMilliseconds * 1000 / measured.Count:F0} us of this process per call (HTTP client, supervisor and worker together), "
                + $"{(GC.GetTotalAllocatedBytes() - allocated) / measured.Count / 1024.0:F1} KiB allocated per call, {GC.CollectionCount(0) - collections} gen0 collections"));
        }

        return (measured, new ColdStartFigures(cold.Max(), steps));
    }

    private static async Task<Measurement> RunLoopsAsync(HttpClient http, int concurrency, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var latencies = new List<double>(100_000);
            var n = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                latencies.Add(await CallOnceAsync(http, i * 1_000_000 + n++).ConfigureAwait(false));
            }

            return latencies;
        })).ToList();
        var all = (await Task.WhenAll(loops).ConfigureAwait(false)).SelectMany(l => l).ToList();
        return Measurement.Of(all, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One call; returns its latency in milliseconds, or throws when it did not succeed.</summary>
    private static async Task<double> CallOnceAsync(HttpClient http, int n) => (await CallAsync(http, n).ConfigureAwait(false)).Milliseconds;

    private static async Task<(double Milliseconds, byte[] Body)> CallAsync(HttpClient http, int n)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(new Uri("v1/algo/bench/echo", UriKind.Relative), content).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"a benchmark call failed with HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        return (elapsed, body);
    }

    private static void Report(int concurrency, Measurement hearth, Measurement direct, bool json, ColdStartFigures coldStart, string isolation)
    {
        var overhead50 = hearth.P50 - direct.P50;
        var overhead99 = hearth.P99 - direct.P99;
        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        if (!json)
        {
            Console.Out.WriteLine($"through Hearth: {hearth.Count} calls, {hearth.PerSecond:F0} calls/s, p50 {F(hearth.P50)} ms, p99 {F(hearth.P99)} ms");
            Console.Out.WriteLine($"direct pipe:    {direct.Count} calls, {direct.PerSecond:F0} calls/s, p50 {F(direct.P50)} ms, p99 {F(direct.P99)} ms");
            Console.Out.WriteLine($"overhead:       p50 {F(overhead50)} ms, p99 {F(overhead99)} ms; Hearth is {hearth.P50 / direct.P50:F1}x the direct pipe at p50");
        }

        Output.WriteJson(new
        {
            Concurrency = concurrency,
            CallsPerSecond = Math.Round(hearth.PerSecond),
            P50Ms = Math.Round(hearth.P50, 3),
            P99Ms = Math.Round(hearth.P99, 3),
            DirectP50Ms = Math.Round(direct.P50, 3),
            DirectP99Ms = Math.Round(direct.P99, 3),
            OverheadP50Ms = Math.Round(overhead50, 3),
            OverheadP99Ms = Math.Round(overhead99, 3),
            DirectCallsPerSecond = Math.Round(direct.PerSecond),
            Calls = hearth.Count,
            ColdStartMs = Math.Round(coldStart.SlowestMs, 1),
            ColdStartStepsMs = coldStart.StepsMs.ToDictionary(s => s.Key, s => Math.Round(s.Value, 1)),
            Isolation = isolation,
        });
    }

    private static string? FindEcho()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "examples", "algorithms", "echo");
                if (File.Exists(Path.Combine(candidate, AlgorithmManifest.FileName)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>The slowest first call (a cold start), and where the first caller's cold start went by the reply's metadata.</summary>
internal sealed record ColdStartFigures(double SlowestMs, IReadOnlyDictionary<string, double> StepsMs)
{
    /// <summary><c>metadata.cold_start_steps</c> in milliseconds, in its order; empty when the reply has none.</summary>
    public static IReadOnlyDictionary<string, double> Steps(byte[] body)
    {
        using var reply = System.Text.Json.JsonDocument.Parse(body);
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        if (reply.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("cold_start_steps", out var figures))
        {
            foreach (var step in figures.EnumerateObject())
            {
                steps[step.Name] = step.Value.GetDouble() * 1000;
            }
        }

        return steps;
    }
}

/// <summary>Latencies of one measurement, in milliseconds, and its throughput.</summary>
internal sealed record Measurement(int Count, double PerSecond, double P50, double P99)
{
    public static Measurement Of(List<double> latencies, TimeSpan elapsed)
    {
        if (latencies.Count == 0)
        {
            throw new CliException("the measurement made no calls");
        }

        latencies.Sort();
        double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new Measurement(latencies.Count, latencies.Count / elapsed.TotalSeconds, At(0.50), At(0.99));
    }
}
