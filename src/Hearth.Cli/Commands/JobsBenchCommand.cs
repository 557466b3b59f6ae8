using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;
using Hearth.Supervisor;
using Hearth.Worker;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth bench jobs</c>: a throwaway local cluster (supervisor and N workers in this process, SQLite in a
/// temporary directory) runs M trivial jobs (<c>true</c>) submitted over the REST API, and reports jobs per
/// second from the first submit to the last completion and the dispatch latency from submit to process start.
/// </summary>
internal static class JobsBenchCommand
{
    public static Command Create()
    {
        var workers = new Option<int>("--workers") { Description = "Local workers", DefaultValueFactory = _ => 4 };
        var jobs = new Option<int>("--jobs") { Description = "Jobs to run", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs in the cluster at once: a new one is submitted as one ends", DefaultValueFactory = _ => 32 };
        var resources = new Option<string?>("--worker-resources") { Description = "Each worker's resources", DefaultValueFactory = _ => "host.processors=8" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on the last line" };
        var database = new Option<string?>("--db") { Description = "The store to measure (default: SQLite in a temporary directory), e.g. a PostgreSQL connection string" };
        var command = new Command("jobs", "Submit-to-complete throughput and dispatch latency of trivial jobs on a local cluster")
        {
            workers, jobs, concurrency, resources, json, database,
        };
        command.SetAction((result, _) => RunAsync(
            result.GetValue(workers), result.GetValue(jobs), result.GetValue(concurrency), result.GetValue(resources), result.GetValue(json), result.GetValue(database)));
        return command;
    }

    private static async Task<int> RunAsync(int workerCount, int jobCount, int concurrency, string? resources, bool json, string? database)
    {
        if (workerCount is < 1 or > 64 || jobCount is < 1 or > JobListLimit || concurrency is < 1 or > 256)
        {
            return Output.Error($"--workers must be 1 to 64, --jobs 1 to {JobListLimit}, --concurrency 1 to 256", ExitCodes.InvalidInput);
        }

        ServerThreads.Reserve();
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
            })).ToList();
            var running = agents.Select(a => Task.Run(() => a.RunAsync(stop.Token), CancellationToken.None)).ToList();
            await Task.WhenAll(agents.Select(a => a.Registered)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var slots = agents.Sum(a => a.Resources[Core.Resources.ResourceName.Processors]);
            if (!json)
            {
                Console.Out.WriteLine($"bench: {workerCount} workers, {slots} job slots, {jobCount} jobs of `true`, {concurrency} jobs in flight");
            }

            using var client = new SupervisorClient(host.Url, host.Keys.AdminKey);
            var measured = await MeasureAsync(client, jobCount, concurrency).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            agents.ForEach(a => a.Dispose());
            await host.StopAsync().ConfigureAwait(false);
            Report(workerCount, jobCount, measured, json);
            return measured.Failed == 0 ? ExitCodes.Ok : Output.Error($"{measured.Failed} jobs did not complete");
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

    private sealed record Measured(double Seconds, double JobsPerSecond, double P50, double P99, int Failed);

    private static async Task<Measured> MeasureAsync(SupervisorClient client, int jobCount, int concurrency)
    {
        var submitted = new DateTimeOffset[jobCount];
        var ids = new long[jobCount];
        var next = -1;
        var request = new SubmitJobRequest(["true"], "bench");
        var first = DateTimeOffset.UtcNow;
        // A bounded window: at most `concurrency` jobs are in the cluster at once (submitted and not ended), so
        // the latency measured is dispatch itself rather than time queued behind a burst, while submissions
        // and completions still overlap freely. One poller counts the ended jobs and opens the window again.
        using var window = new SemaphoreSlim(concurrency, concurrency);
        var done = 0;
        var submitting = Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, 16)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobCount)
            {
                await window.WaitAsync().ConfigureAwait(false);
                submitted[i] = DateTimeOffset.UtcNow;
                ids[i] = (await client.PostAsync<SubmitJobResponse>("/v1/jobs", request, CancellationToken.None).ConfigureAwait(false)).Id;
            }
        }));
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10);
        while (done < jobCount)
        {
            if (DateTimeOffset.UtcNow > deadline || submitting.IsFaulted)
            {
                await submitting.ConfigureAwait(false);
                throw new TimeoutException();
            }

            await Task.Delay(10).ConfigureAwait(false);
            var counts = await client.GetAsync<JobCountsView>("/v1/jobs/counts", CancellationToken.None).ConfigureAwait(false);
            var ended = counts.States.Where(kv => JobStates.IsTerminal(kv.Key)).Sum(kv => kv.Value);
            if (ended > done)
            {
                window.Release(ended - done);
                done = ended;
            }
        }

        await submitting.ConfigureAwait(false);
        var list = await client.GetAsync<JobListView>($"/v1/jobs?limit={jobCount}", CancellationToken.None).ConfigureAwait(false);
        var byId = list.Jobs.ToDictionary(j => j.Id);
        var latencies = new List<double>(jobCount);
        var last = first;
        var failed = 0;
        for (var i = 0; i < jobCount; i++)
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
        return new Measured(seconds, jobCount / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static void Report(int workers, int jobs, Measured m, bool json)
    {
        if (!json)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench: {jobs} jobs in {m.Seconds:0.00} s = {m.JobsPerSecond:0} jobs/s; dispatch p50 {m.P50:0.0} ms, p99 {m.P99:0.0} ms"));
            return;
        }

        Output.WriteJson(new
        {
            Workers = workers,
            Jobs = jobs,
            JobsPerSecond = Math.Round(m.JobsPerSecond, 1),
            DispatchP50Ms = Math.Round(m.P50, 1),
            DispatchP99Ms = Math.Round(m.P99, 1),
        });
    }
}
