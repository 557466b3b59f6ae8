using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;
using Hearth.Supervisor;
using Hearth.Supervisor.Scheduling;
using Hearth.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth bench jobs</c>: a throwaway local cluster (supervisor and N workers in this process, SQLite in a
/// temporary directory) runs trivial jobs (<c>true</c>) submitted over the REST API, in two phases:
/// <list type="bullet">
/// <item>throughput: a closed loop keeps <c>--concurrency</c> jobs in the cluster (a new one as one ends), and
/// jobs per second runs from the first submission to the last completion;</item>
/// <item>latency: an open loop offers <c>--load</c> (half by default) of the throughput just measured, or a fixed
/// <c>--rate</c>, and dispatch latency runs from each
/// submission to its process's start as the supervisor recorded it (so the report of the start travelling back
/// is counted too).</item>
/// </list>
/// Both follow a warm-up that runs jobs until the runtime has finished compiling the path (<see cref="BenchWarmUp"/>).
/// A saturated closed loop cannot measure dispatch: there every job waits its turn behind the others in flight,
/// so its latency is <c>concurrency / throughput</c> whatever dispatch costs. That figure is printed too. A fixed rate
/// above what the machine sustains measures queueing in the same way, hence a share of the measured capacity.
/// </summary>
internal static class JobsBenchCommand
{
    public static Command Create()
    {
        var workers = new Option<int>("--workers") { Description = "Local workers", DefaultValueFactory = _ => 4 };
        var jobs = new Option<int>("--jobs") { Description = "Jobs in each phase", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Throughput phase: jobs in the cluster at once, a new one submitted as one ends", DefaultValueFactory = _ => 32 };
        var rate = new Option<double?>("--rate") { Description = "Latency phase: jobs submitted per second, whatever the cluster does (instead of --load)" };
        var share = new Option<double>("--load") { Description = "Latency phase: the share of the throughput just measured to offer, e.g. 0.5 for half", DefaultValueFactory = _ => 0.5 };
        var resources = new Option<string?>("--worker-resources") { Description = "Each worker's resources", DefaultValueFactory = _ => "host.processors=8" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on the last line" };
        var database = new Option<string?>("--db") { Description = "The store to measure (default: SQLite in a temporary directory), e.g. a PostgreSQL connection string" };
        var command = new Command("jobs", "Submit-to-complete throughput and dispatch latency of trivial jobs on a local cluster")
        {
            workers, jobs, concurrency, rate, share, resources, json, database,
        };
        command.SetAction((result, _) => RunAsync(
            new Settings(result.GetValue(workers), result.GetValue(jobs), result.GetValue(concurrency), result.GetValue(rate), result.GetValue(share),
                result.GetValue(resources), result.GetValue(database)),
            result.GetValue(json)));
        return command;
    }

    private sealed record Settings(int Workers, int Jobs, int Concurrency, double? Rate, double Share, string? Resources, string? Database);

    private static async Task<int> RunAsync(Settings settings, bool json)
    {
        var (workerCount, jobCount, concurrency, fixedRate, share, resources, database) = settings;
        if (workerCount is < 1 or > 64 || jobCount is < 1 or > JobListLimit || concurrency is < 1 or > 256 || !(fixedRate is null or (>= 1 and <= 100_000))
            || !(share is > 0 and <= 1))
        {
            return Output.Error($"--workers must be 1 to 64, --jobs 1 to {JobListLimit}, --concurrency 1 to 256, --rate 1 to 100000, --load more than 0 and at most 1",
                ExitCodes.InvalidInput);
        }

        var data = Directory.CreateTempSubdirectory("hearth-bench-");
        try
        {
            await using var host = await SupervisorHost.StartAsync(new SupervisorOptions { DataDirectory = data.FullName, Port = 0, WorkerPort = 0, Database = database })
                .ConfigureAwait(false);
            using var stop = new CancellationTokenSource();
            var agents = Enumerable.Range(1, workerCount).Select(i => new WorkerAgent(new WorkerOptions
            {
                Supervisor = host.Url,
                ApiKey = host.Keys.WorkerKey!,
                Name = $"bench-{i}",
                Resources = resources,
                Ephemeral = true,
            })).ToList();
            var running = agents.Select(a => Task.Run(() => a.RunAsync(stop.Token), CancellationToken.None)).ToList();
            await Task.WhenAll(agents.Select(a => a.Registered)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var slots = agents.Sum(a => a.Resources[Core.Resources.ResourceName.Processors]);
            if (!json)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench: {workerCount} workers, {slots} job slots; {jobCount} jobs of `true` with {concurrency} in flight, then {jobCount} offered at {(fixedRate is { } r ? $"{r}" : $"{share:P0} of that rate")} per second"));
            }

            using var client = new SupervisorClient(host.Url, host.Keys.AdminKey);
            var scheduler = host.Services.GetRequiredService<Scheduler>();
            // Jobs until the runtime has finished optimizing the path, as in a supervisor that has been up a while.
            var warmUp = await BenchWarmUp.UntilQuietAsync(() => JobsBenchLoad.ClosedLoopAsync(client, scheduler, WarmUpRound, concurrency), TimeSpan.FromSeconds(3))
                .ConfigureAwait(false);
            if (!json)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warm-up: {warmUp.TotalSeconds:F0} s of jobs, until the runtime compiled fewer than {BenchWarmUp.QuietMethods} methods in a second"));
            }

            var load = LoadAverage();
            var throughput = await MeasureAsync(client, await JobsBenchLoad.ClosedLoopAsync(client, scheduler, jobCount, concurrency).ConfigureAwait(false))
                .ConfigureAwait(false);
            var rate = fixedRate ?? Math.Max(1, Math.Round(throughput.JobsPerSecond * share));
            var latency = await MeasureAsync(client, await JobsBenchLoad.OpenLoopAsync(client, scheduler, jobCount, rate).ConfigureAwait(false))
                .ConfigureAwait(false) with { Offered = rate };
            load = $"load average {load} before, {LoadAverage()} after";
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            agents.ForEach(a => a.Dispose());
            await host.StopAsync().ConfigureAwait(false);
            Report(settings, throughput, latency, json, load);
            var failed = throughput.Failed + latency.Failed;
            return failed == 0 ? ExitCodes.Ok : Output.Error($"{failed} jobs did not complete");
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
                // A temporary directory; leaving it is harmless.
            }
        }
    }

    private const int JobListLimit = 10_000;

    private const int WarmUpRound = 250;

    private sealed record Measured(double Seconds, double JobsPerSecond, double P50, double P99, int Failed)
    {
        /// <summary>The latency phase's offered jobs per second.</summary>
        public double Offered { get; init; }
    }

    /// <summary>Throughput from the first submission to the last completion; dispatch latency from each submission to its process's start.</summary>
    private static async Task<Measured> MeasureAsync(SupervisorClient client, SubmittedJobs jobs)
    {
        var (ids, submitted) = jobs;
        var list = await client.GetAsync<JobListView>($"/v1/jobs?limit={ids.Length}", CancellationToken.None).ConfigureAwait(false);
        var byId = list.Jobs.ToDictionary(j => j.Id);
        var latencies = new List<double>(ids.Length);
        var first = submitted.Min();
        var last = first;
        var failed = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var job = byId[ids[i]];
            failed += job.State == JobStates.Complete ? 0 : 1;
            if (job.StartedAt is { } started)
            {
                latencies.Add(Math.Max(0, (started - submitted[i]).TotalMilliseconds));
            }

            if (job.FinishedAt is { } finished && finished > last)
            {
                last = finished;
            }
        }

        latencies.Sort();
        var seconds = Math.Max(0.001, (last - first).TotalSeconds);
        return new Measured(seconds, ids.Length / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static void Report(Settings settings, Measured throughput, Measured latency, bool json, string load)
    {
        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput: {settings.Jobs} jobs in {throughput.Seconds:0.00} s = {throughput.JobsPerSecond:0} jobs/s (queued behind {settings.Concurrency} in flight: p50 {throughput.P50:0.0} ms, p99 {throughput.P99:0.0} ms)"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency at {latency.Offered:0} jobs/s offered: dispatch p50 {latency.P50:0.0} ms, p99 {latency.P99:0.0} ms ({latency.JobsPerSecond:0} jobs/s kept up)"));
            Console.Out.WriteLine(load);
            return;
        }

        Output.WriteJson(new
        {
            settings.Workers,
            settings.Jobs,
            JobsPerSecond = Math.Round(throughput.JobsPerSecond, 1),
            DispatchP50Ms = Math.Round(latency.P50, 1),
            DispatchP99Ms = Math.Round(latency.P99, 1),
            OfferedJobsPerSecond = latency.Offered,
        });
    }

    /// <summary>The one-minute load average, for reading a figure against how busy the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
