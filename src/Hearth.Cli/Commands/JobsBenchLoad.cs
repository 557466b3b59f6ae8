using System.Diagnostics;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Cli.Commands;

/// <summary>
/// The two ways <c>bench jobs</c> submits its <c>true</c> jobs over REST. Both learn that a job ended from the
/// supervisor's own end-of-job signal (the one its wait endpoint uses), so nothing waits on a poll.
/// </summary>
internal static class JobsBenchLoad
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(10);
    private static readonly SubmitJobRequest Request = new(["true"], "bench");

    /// <summary>
    /// Closed loop, for throughput: <paramref name="concurrency"/> jobs are in the cluster at once, and a new one
    /// is submitted as soon as one ends. The cluster is kept saturated, so jobs per second is its capacity.
    /// </summary>
    public static async Task<SubmittedJobs> ClosedLoopAsync(SupervisorClient client, Scheduler scheduler, int jobCount, int concurrency)
    {
        var jobs = new SubmittedJobs(new long[jobCount], new DateTimeOffset[jobCount]);
        using var window = new SemaphoreSlim(concurrency, concurrency);
        using var ended = new EndedJobs(scheduler, jobCount, window);
        var next = -1;
        var submitters = Enumerable.Range(0, Math.Min(concurrency, 16)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobCount)
            {
                await window.WaitAsync().ConfigureAwait(false);
                await SubmitAsync(client, jobs, i).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(submitters).WaitAsync(Bound).ConfigureAwait(false);
        await ended.All.WaitAsync(Bound).ConfigureAwait(false);
        return jobs;
    }

    /// <summary>
    /// Open loop, for latency: submission i is sent at <c>i / rate</c> seconds whatever happens to earlier jobs,
    /// so a supervisor that cannot keep up builds a queue that shows in the latency instead of slowing the
    /// submissions down. At most <paramref name="maxOutstanding"/> submissions are awaiting their answer at once.
    /// </summary>
    public static async Task<SubmittedJobs> OpenLoopAsync(SupervisorClient client, Scheduler scheduler, int jobCount, double rate, int maxOutstanding = 64)
    {
        var jobs = new SubmittedJobs(new long[jobCount], new DateTimeOffset[jobCount]);
        using var ended = new EndedJobs(scheduler, jobCount, window: null);
        using var outstanding = new SemaphoreSlim(maxOutstanding, maxOutstanding);
        var sending = new List<Task>(jobCount);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < jobCount; i++)
        {
            var wait = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait).ConfigureAwait(false);
            }

            await outstanding.WaitAsync().ConfigureAwait(false);
            sending.Add(SubmitThenReleaseAsync(client, jobs, i, outstanding));
        }

        await Task.WhenAll(sending).WaitAsync(Bound).ConfigureAwait(false);
        await ended.All.WaitAsync(Bound).ConfigureAwait(false);
        return jobs;
    }

    private static async Task SubmitThenReleaseAsync(SupervisorClient client, SubmittedJobs jobs, int index, SemaphoreSlim outstanding)
    {
        try
        {
            await SubmitAsync(client, jobs, index).ConfigureAwait(false);
        }
        finally
        {
            outstanding.Release();
        }
    }

    private static async Task SubmitAsync(SupervisorClient client, SubmittedJobs jobs, int index)
    {
        jobs.Submitted[index] = DateTimeOffset.UtcNow;
        jobs.Ids[index] = (await client.PostAsync<SubmitJobResponse>("/v1/jobs", Request, CancellationToken.None).ConfigureAwait(false)).Id;
    }

    /// <summary>Counts the jobs that end, giving each one's place in the window back; <see cref="All"/> completes when all have ended.</summary>
    private sealed class EndedJobs : IDisposable
    {
        private readonly Scheduler _scheduler;
        private readonly int _expected;
        private readonly SemaphoreSlim? _window;
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _ended;

        public EndedJobs(Scheduler scheduler, int expected, SemaphoreSlim? window)
        {
            _scheduler = scheduler;
            _expected = expected;
            _window = window;
            scheduler.JobsEnded += OnEnded;
        }

        public Task All => _all.Task;

        private void OnEnded(IReadOnlyList<long> jobs)
        {
            _window?.Release(jobs.Count);
            if (Interlocked.Add(ref _ended, jobs.Count) >= _expected)
            {
                _all.TrySetResult();
            }
        }

        public void Dispose() => _scheduler.JobsEnded -= OnEnded;
    }
}
