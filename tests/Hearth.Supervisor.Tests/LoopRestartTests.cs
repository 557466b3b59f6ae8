using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Tests;

/// <summary>A scheduling loop that fails mid-cycle starts over from the store, a few times a minute at most.</summary>
public sealed class LoopRestartTests : LoopStoreFixture
{
    private readonly FailingTicks _instances = new();
    private readonly Lifetime _lifetime = new();
    private Scheduler NewScheduler() => new(
        Backend.Scheduler,
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

        var after = await WithinBound(scheduler.SubmitAsync(Job("after")), "a submission after the restart");
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
            await Assert.ThrowsAsync<OperationCanceledException>(() => WithinBound(scheduler.SubmitAsync(Job($"early {i}")), "a failed cycle's answer"));
        }

        // A minute later the budget is whole again.
        Time.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => WithinBound(scheduler.SubmitAsync(Job($"late {i}")), "a failed cycle's answer"));
        }

        Assert.True(scheduler.IsRunning);
        Assert.False(_lifetime.Stopping.IsCompleted);

        await Assert.ThrowsAsync<OperationCanceledException>(() => WithinBound(scheduler.SubmitAsync(Job("last")), "the last failed cycle's answer"));
        await WithinBound(_lifetime.Stopping.ContinueWith(_ => true, TaskScheduler.Default), "the supervisor to be stopped");
        for (var i = 0; i < 100 && scheduler.IsRunning; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.False(scheduler.IsRunning);
        await Assert.ThrowsAsync<OperationCanceledException>(() => scheduler.SubmitAsync(Job("too late")));
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
