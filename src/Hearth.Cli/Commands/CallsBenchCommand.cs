using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime;
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
/// example (or the algorithm <c>--algorithm</c> names); C clients call it over HTTP for S seconds, then the same program
/// is driven directly over its pipe for S seconds, the floor. Reports latency percentiles and throughput of both, and the overhead between them. With
/// <c>--floor URL</c> it also measures a running floor chain (an HTTP echo, e.g. the floors' client → Kestrel → Kestrel →
/// pipe), alternating it with Hearth in rounds, and prints the ratios of the medians.
/// </summary>
internal static class CallsBenchCommand
{
    public static Command Create()
    {
        var concurrency = new Option<int>("--concurrency") { Description = "Callers at once (each warm instance serves one call at a time)", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "How long each of the two measurements runs", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "End with one JSON line" };
        var floor = new Option<string?>("--floor") { Description = "URL of a running HTTP echo to compare with, e.g. http://127.0.0.1:5301/echo; Hearth and it are measured in alternating rounds" };
        var rounds = new Option<int>("--rounds") { Description = "With --floor: rounds of one floor and one Hearth measurement each; medians are reported", DefaultValueFactory = _ => 3 };
        var algorithm = new Option<string?>("--algorithm")
        {
            Description = "Directory of the algorithm to call instead of examples/algorithms/echo (Hearth's layout; each call sends a small JSON object), "
                + "e.g. examples/algorithms/echo-csharp, whose per-call work matches the floor chain's child",
        };
        var sandbox = WorkerSettings.SandboxOption();
        var command = new Command("calls", "Warm-call latency and throughput through Hearth versus the echo process driven directly over its pipe")
        {
            concurrency, seconds, json, floor, rounds, algorithm, sandbox,
        };
        command.SetAction((result, _) => RunAsync(
            new Settings(result.GetValue(concurrency), TimeSpan.FromSeconds(result.GetValue(seconds)), result.GetValue(json), result.GetValue(floor), result.GetValue(rounds),
                result.GetValue(algorithm)),
            WorkerSettings.ParseSandbox(result.GetValue(sandbox), "--sandbox") ?? SandboxMode.Auto));
        return command;
    }

    private sealed record Settings(int Concurrency, TimeSpan Duration, bool Json, string? FloorText, int Rounds, string? Algorithm)
    {
        public Uri? Floor => FloorText is null ? null : new Uri(FloorText, UriKind.Absolute);
    }

    private static async Task<int> RunAsync(Settings settings, SandboxMode sandbox)
    {
        var (concurrency, duration, json) = (settings.Concurrency, settings.Duration, settings.Json);
        if (concurrency is < 1 or > 256 || duration.TotalSeconds is <= 0 or > 3600)
        {
            return Output.Error("--concurrency must be 1 to 256 and --seconds more than 0 and at most 3600", ExitCodes.InvalidInput);
        }

        if (settings.FloorText is { } floorText && (!Uri.TryCreate(floorText, UriKind.Absolute, out var floorUri) || floorUri.Scheme is not ("http" or "https")))
        {
            return Output.Error($"--floor \"{floorText}\" must be an absolute http:// or https:// URL of a running echo", ExitCodes.InvalidInput);
        }

        if (settings.Rounds is < 1 or > 100)
        {
            return Output.Error("--rounds must be 1 to 100", ExitCodes.InvalidInput);
        }

        var echo = settings.Algorithm is { } named ? Path.GetFullPath(named) : FindEcho();
        if (echo is null)
        {
            return Output.Error("cannot find examples/algorithms/echo: run the benchmark from the Hearth repository, or name an algorithm with --algorithm", ExitCodes.InvalidInput);
        }

        if (!File.Exists(Path.Combine(echo, AlgorithmManifest.FileName)))
        {
            return Output.Error($"--algorithm \"{settings.Algorithm}\" must be an algorithm's directory, with its {AlgorithmManifest.FileName}", ExitCodes.InvalidInput);
        }

        // No extra thread-pool threads: nothing on the call path blocks a thread, and on a small machine spare threads
        // only add context switches.
        var data = Directory.CreateTempSubdirectory("hearth-bench-calls-");
        try
        {
            Measurement hearth;
            ColdStartFigures coldStart;
            FloorComparison? compared;
            string isolation;
            await using (var host = await SupervisorHost.StartAsync(new SupervisorOptions { DataDirectory = data.FullName, Port = 0, WorkerPort = 0 }).ConfigureAwait(false))
            {
                using var stop = new CancellationTokenSource();
                using var agent = new WorkerAgent(new WorkerOptions
                {
                    Supervisor = host.Url,
                    ApiKey = host.Keys.WorkerKey!,
                    Name = "bench",
                    // Room for one instance per caller and one spare, of whatever --algorithm names (the C# word counter asks for 256 MB each).
                    Resources = $"host.processors={concurrency + 1},host.memory={1024 * (concurrency + 1)}",
                    RunDirectory = Path.Combine(data.FullName, "worker"),
                    Sandbox = sandbox,
                });
                isolation = agent.Isolation;
                var running = Task.Run(() => agent.RunAsync(stop.Token), CancellationToken.None);
                await agent.Registered.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                var key = await SetUpAsync(host, echo, data.FullName).ConfigureAwait(false);
                (hearth, coldStart, compared) = await MeasureHearthAsync(host.Url, key, settings).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await running.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                await host.StopAsync().ConfigureAwait(false);
            }

            var direct = await DirectPipe.MeasureAsync(echo, Path.Combine(data.FullName, "direct"), concurrency, duration).ConfigureAwait(false);
            Report(concurrency, hearth, direct, json, coldStart, isolation, compared);
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

    private static async Task<(Measurement Warm, ColdStartFigures ColdStart, FloorComparison? Floor)> MeasureHearthAsync(Uri url, string key, Settings settings)
    {
        var (concurrency, duration, json) = (settings.Concurrency, settings.Duration, settings.Json);
        using var http = NewClient(url, concurrency);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        var target = new Uri("v1/algo/bench/echo", UriKind.Relative);

        // Every caller at once: the first calls cold-start one instance per caller (spillover), then all are warm.
        var first = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => CallAsync(http, target, i))).ConfigureAwait(false);
        var cold = first.Select(c => c.Milliseconds).ToArray();
        // Each instance's breakdown goes to the call it was started for, which need not be the first caller's.
        var steps = first.Select(c => ColdStartFigures.Steps(c.Body)).FirstOrDefault(s => s.Count > 0) ?? ColdStartFigures.Steps(first[0].Body);
        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warm-up: {concurrency} callers, first calls {cold.Min():F1}-{cold.Max():F1} ms (cold starts)"));
            Console.Out.WriteLine("cold start of one instance: "
                + string.Join(", ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:F1} ms"))));
        }

        // Calls until the runtime has finished optimizing the call path: at least 5 s.
        var warmUp = await BenchWarmUp.UntilQuietAsync(() => RunLoopsAsync(http, target, concurrency, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(5))
            .ConfigureAwait(false);
        using var floor = settings.Floor is { } floorUrl ? NewClient(floorUrl, concurrency) : null;
        if (floor is not null)
        {
            await RunLoopsAsync(floor, settings.Floor!, concurrency, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warm-up: {warmUp.TotalSeconds:F0} s, until the runtime compiled fewer than {BenchWarmUp.QuietMethods} methods in a second"));
        }

        var jitted = JitInfo.GetCompiledMethodCount();
        var collections = GC.CollectionCount(0);
        var hearth = new List<Measurement>();
        var floors = new List<Measurement>();
        var cost = new CallCost();
        for (var round = 0; round < (floor is null ? 1 : settings.Rounds); round++)
        {
            if (floor is not null)
            {
                floors.Add(await RunLoopsAsync(floor, settings.Floor!, concurrency, duration).ConfigureAwait(false));
            }

            // Only Hearth's rounds are costed: the floor's client shares this process.
            var before = CallCost.Now();
            var measuredRound = await RunLoopsAsync(http, target, concurrency, duration).ConfigureAwait(false);
            cost.Add(before, CallCost.Now(), measuredRound.Count);
            hearth.Add(measuredRound);
        }

        var measured = Measurement.Median(hearth);
        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cpu per call: {cost.ProcessMicroseconds:F0} us in this process (HTTP client, supervisor and worker together), "
                + $"{cost.InstanceMicroseconds:F0} us in the algorithm's instances; {cost.KibibytesAllocated:F1} KiB allocated per call, "
                + $"{GC.CollectionCount(0) - collections} gen0 collections, {JitInfo.GetCompiledMethodCount() - jitted} methods compiled meanwhile"));
        }

        return (measured, new ColdStartFigures(cold.Max(), steps), floor is null ? null : new FloorComparison(settings.Floor!, hearth, floors));
    }

    /// <summary>No trace headers: a caller measuring latency does not ask the server to trace every request.</summary>
    private static HttpClient NewClient(Uri url, int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ActivityHeadersPropagator = null,
    })
    {
        BaseAddress = url,
    };

    private static async Task<Measurement> RunLoopsAsync(HttpClient http, Uri target, int concurrency, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var latencies = new List<double>(100_000);
            var n = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                latencies.Add(await CallOnceAsync(http, target, i * 1_000_000 + n++).ConfigureAwait(false));
            }

            return latencies;
        })).ToList();
        var all = (await Task.WhenAll(loops).ConfigureAwait(false)).SelectMany(l => l).ToList();
        return Measurement.Of(all, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One call; returns its latency in milliseconds, or throws when it did not succeed.</summary>
    private static async Task<double> CallOnceAsync(HttpClient http, Uri target, int n) => (await CallAsync(http, target, n).ConfigureAwait(false)).Milliseconds;

    private static async Task<(double Milliseconds, byte[] Body)> CallAsync(HttpClient http, Uri target, int n)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(target, content).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"a benchmark call to {target} failed with HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        return (elapsed, body);
    }

    private static void Report(int concurrency, Measurement hearth, Measurement direct, bool json, ColdStartFigures coldStart, string isolation, FloorComparison? floor)
    {
        var overhead50 = hearth.P50 - direct.P50;
        var overhead99 = hearth.P99 - direct.P99;
        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        if (!json)
        {
            Console.Out.WriteLine($"through Hearth: {hearth.Count} calls, {hearth.PerSecond:F0} calls/s, p50 {F(hearth.P50)} ms, p99 {F(hearth.P99)} ms");
            Console.Out.WriteLine($"direct pipe:    {direct.Count} calls, {direct.PerSecond:F0} calls/s, p50 {F(direct.P50)} ms, p99 {F(direct.P99)} ms");
            Console.Out.WriteLine($"overhead:       p50 {F(overhead50)} ms, p99 {F(overhead99)} ms; Hearth is {hearth.P50 / direct.P50:F1}x the direct pipe at p50");
            floor?.Print();
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
            FloorUrl = floor?.Url.ToString(),
            FloorCallsPerSecond = floor is null ? (double?)null : Math.Round(floor.Floor.PerSecond),
            FloorP50Ms = floor is null ? (double?)null : Math.Round(floor.Floor.P50, 3),
            ThroughputRatio = floor is null ? (double?)null : Math.Round(floor.ThroughputRatio, 2),
            P50Ratio = floor is null ? (double?)null : Math.Round(floor.P50Ratio, 2),
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
