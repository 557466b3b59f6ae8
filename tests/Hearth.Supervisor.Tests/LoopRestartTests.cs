using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// A scheduling loop that fails mid-cycle starts over from the store, waiting longer each time and a few times a
/// minute at most; a store in trouble is waited out for as long as it lasts.
/// </summary>
public sealed class LoopRestartTests : LoopStoreFixture
{
    private readonly FailingTicks _instances = new();
    private readonly Lifetime _lifetime = new();
    private Scheduler NewScheduler(ISchedulerStore? store = null) => new(
        store ?? Backend.Scheduler,
        new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()),
        Time,
        new JobWaiters(),
        NullLogger<Scheduler>.Instance,
        _lifetime,
        _instances);

    private static JobSubmission Job(string name) => new(name, ["true"], ResourceRequest.Default, 9999, 1, null);

    [Fact]
    public async Task ACycleThatThrowsFailsOnlyItsOwnCallersAndTheLoopGoesOnFromTheStore()
    {
        await using var scheduler = NewScheduler();
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        using var session = new WorkerSession("w1");
        await scheduler.ConnectAsync(session, new Register { Name = "w1", Resources = { ["host.processors"] = 1 } });
        var first = await scheduler.SubmitAsync(Job("first"));

        _instances.FailuresLeft = 1;
        var failed = await Assert.ThrowsAsync<OperationCanceledException>(() => WithinBound(scheduler.SubmitAsync(Job("lost")), "the failed cycle's answer"));
        Assert.Contains("restarted", failed.Message, StringComparison.Ordinal);

        var after = await AdvancingTime(scheduler.SubmitAsync(Job("after")), "a submission after the restart");
        Assert.True(scheduler.IsRunning);
        Assert.False(_lifetime.Stopping.IsCompleted);
        Assert.True(session.Closed.IsCancellationRequested, "the worker's stream was not cut, so it would not register again");
        Assert.Equal(first + 1, after);
        Assert.Equal(["after", "first"], (await Backend.Jobs.ListJobsAsync(new(), TestContext.Current.CancellationToken)).Select(j => j.Name).Order());

        // The worker registers again, reporting the first job's process: the rebuilt loop adopts it.
        using var again = new WorkerSession("w1");
        Assert.True(await WithinBound(scheduler.ConnectAsync(again, new Register
        {
            Name = "w1",
            Resources = { ["host.processors"] = 1 },
            Processes = { new ProcessReport { AssignmentId = $"{first}.0.1", Running = true, Pid = 4242 } },
        }).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default), "the worker to register again"), "the worker's registration was refused");
        var audit = await WithinBound(scheduler.AuditAsync(), "an audit");
        Assert.True(audit.Consistent, string.Join("\n", audit.Problems));
        Assert.Equal(1, audit.LiveAllocations);
    }

    [Fact]
    public async Task ACommandThatFailsHalfwayStoresNothingOfWhatItDidAndTheLoopStartsOverFromTheStore()
    {
        var inbox = new SchedulerInbox();
        await using var scheduler = new Scheduler(
            Backend.Scheduler, new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()), Time, new JobWaiters(),
            NullLogger<Scheduler>.Instance, _lifetime, _instances, inbox: inbox);
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        var first = await scheduler.SubmitAsync(Job("first"));

        var halfDone = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.Post(new FailsAfterSubmitting(Job("half done"), halfDone));
        var failed = await Assert.ThrowsAsync<OperationCanceledException>(() => WithinBound(halfDone.Task, "the failed command's answer"));
        Assert.Contains("restarted", failed.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(failed.InnerException);

        var after = await WithinBound(scheduler.SubmitAsync(Job("after")), "a submission after the restart");
        Assert.True(scheduler.IsRunning);
        Assert.Equal(first + 1, after);
        Assert.Equal(["after", "first"], (await Backend.Jobs.ListJobsAsync(new(), TestContext.Current.CancellationToken)).Select(j => j.Name).Order());
    }

    [Fact]
    public async Task ALoopThatKeepsFailingStopsTheSupervisorOnItsFourthFailureWithinAMinute()
    {
        await using var scheduler = NewScheduler();
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        _instances.FailuresLeft = int.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => AdvancingTime(scheduler.SubmitAsync(Job($"early {i}")), "a failed cycle's answer"));
        }

        // A minute later the budget is whole again.
        Time.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => AdvancingTime(scheduler.SubmitAsync(Job($"late {i}")), "a failed cycle's answer"));
        }

        Assert.True(scheduler.IsRunning);
        Assert.False(_lifetime.Stopping.IsCompleted);

        await Assert.ThrowsAsync<OperationCanceledException>(() => AdvancingTime(scheduler.SubmitAsync(Job("last")), "the last failed cycle's answer"));
        await WithinBound(_lifetime.Stopping.ContinueWith(_ => true, TaskScheduler.Default), "the supervisor to be stopped");
        for (var i = 0; i < 100 && scheduler.IsRunning; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.False(scheduler.IsRunning);
        await Assert.ThrowsAsync<OperationCanceledException>(() => scheduler.SubmitAsync(Job("too late")));
    }

    [Fact]
    public void RestartsWaitLongerEachTimeAndTheStoresTroubleSpendsNoneOfTheBudget()
    {
        var recovery = new LoopRecovery(RestartBudget.Default);
        var now = Time.GetUtcNow();
        var fault = new InvalidOperationException("a fault");
        Assert.Equal(
            [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), null],
            Enumerable.Range(0, 4).Select(_ => recovery.After(fault, null, now)?.Wait));
        var trouble = new StorageUnavailableException("the database is down");
        Assert.Equal(
            [0.25, 0.5, 1, 2, 2, 2],
            Enumerable.Range(0, 6).Select(_ => recovery.After(trouble, trouble, now)!.Value.Wait.TotalSeconds));
        recovery.Recovered();
        Assert.Equal(TimeSpan.FromSeconds(0.25), recovery.After(trouble, trouble, now)!.Value.Wait);
        Assert.Null(recovery.After(new ConcurrencyConflictException("another supervisor wrote"), null, now));
    }

    [Fact]
    public async Task AStoreThatStaysDownIsWaitedOutAndRequestsAreToldWhyAtOnceUntilItIsBack()
    {
        var store = new DownStore(Backend.Scheduler);
        await using var scheduler = NewScheduler(store);
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        var first = await scheduler.SubmitAsync(Job("first"));

        store.Down = true;
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => WithinBound(scheduler.SubmitAsync(Job("refused")), "the failed cycle's answer"));
        Assert.Equal("the database is down", refused.Message);
        // More reloads fail than the budget of restarts holds, and none of them stops the supervisor.
        await WithinBound(store.Refused(5), "the loop to try the store again and again");
        Assert.Equal("the database is down", scheduler.StoreTrouble?.Message);
        var atOnce = scheduler.SubmitAsync(Job("meanwhile"));
        Assert.True(atOnce.IsFaulted, "a submission waited for a loop that cannot commit");
        Assert.False(_lifetime.Stopping.IsCompleted);

        store.Down = false;
        await WithinBound(Task.Run(async () =>
        {
            while (scheduler.StoreTrouble is not null)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            return true;
        }), "the loop to be back");
        Assert.Equal(first + 1, await WithinBound(scheduler.SubmitAsync(Job("after")), "a submission once the store is back"));
        Assert.True(scheduler.IsRunning);
        Assert.False(_lifetime.Stopping.IsCompleted);
    }

    /// <summary>Waits for <paramref name="task"/> while the fake clock moves on, as the loop's waits between restarts need it to.</summary>
    private async Task<T> AdvancingTime<T>(Task<T> task, string what)
    {
        for (var i = 0; i < 1000 && !task.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(task, Task.Delay(10, TestContext.Current.CancellationToken));
        }

        return await WithinBound(task, what);
    }

    /// <summary>A scheduler store that, while down, refuses every load and commit as an unreachable database does.</summary>
    private sealed class DownStore(ISchedulerStore inner) : ISchedulerStore
    {
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource<bool> Done)> _waiting = [];
        private int _refused;

        public volatile bool Down;

        /// <summary>Completes once <paramref name="count"/> more loads or commits have been refused.</summary>
        public Task<bool> Refused(int count)
        {
            lock (_lock)
            {
                var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((_refused + count, done));
                return done.Task;
            }
        }

        public Task<StoredCluster> LoadAsync(CancellationToken cancellationToken) => Down ? Refuse<StoredCluster>() : inner.LoadAsync(cancellationToken);

        public Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken) => Down ? Refuse<bool>() : inner.CommitAsync(changes, cancellationToken);

        private Task<T> Refuse<T>()
        {
            lock (_lock)
            {
                _refused++;
                foreach (var (count, done) in _waiting.Where(w => w.Count <= _refused))
                {
                    done.TrySetResult(true);
                }
            }

            return Task.FromException<T>(new StorageUnavailableException("the database is down"));
        }
    }

    /// <summary>A command with a fault after its first change: it queues a job, then throws.</summary>
    private sealed record FailsAfterSubmitting(JobSubmission Submission, TaskCompletionSource<long> Reply) : AnsweredCommand<long>(Reply)
    {
        protected override long Execute(SchedulerState state, CycleEffects fx, Microsoft.Extensions.Logging.ILogger log)
        {
            state.Submit(Submission, fx);
            throw new InvalidOperationException("the command failed on purpose after it queued its job");
        }
    }

    /// <summary>An instance owner whose warm-pool decision throws while armed: a fault in the middle of a cycle.</summary>
    private sealed class FailingTicks : IInstanceWork
    {
        public volatile int FailuresLeft;

        public int InstancePriority => 1;

        public TimeSpan StopGrace => TimeSpan.FromSeconds(1);

        public WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("the tick failed on purpose");
            }

            return new WarmPoolPlan([], [], [], null);
        }

        public bool Owns(string workId) => false;

        public InstanceState? StateOf(string instanceId) => null;

        public IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker) => [];

        public IReadOnlyList<AlgorithmInstance> Unplaced() => [];

        public DateTimeOffset? Apply(IReadOnlyList<InstanceEffect> effects) => null;
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stopping => _stopping.Task;

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.TrySetResult();
    }
}
