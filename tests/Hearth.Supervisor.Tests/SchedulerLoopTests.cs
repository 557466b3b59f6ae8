using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Tests;

/// <summary>The scheduling loop itself, on a real SQLite store and a fake clock.</summary>
public sealed class SchedulerLoopTests : LoopStoreFixture
{
    private Scheduler NewScheduler() => new(
        Backend.Scheduler,
        new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()),
        Time,
        new JobWaiters(),
        NullLogger<Scheduler>.Instance);

    private static Register Register(string name) => new() { Name = name, Resources = { ["host.processors"] = 2 } };

    [Fact]
    public async Task TextNoStoreKeepsFailsItsOwnSubmissionAloneAndTheRestOfItsCycleIsCommitted()
    {
        await using var scheduler = NewScheduler();
        // Queued before the loop starts, so its first cycle takes all three together.
        var before = scheduler.SubmitAsync(new JobSubmission("before", ["true"], ResourceRequest.Default, 9999, 1, null));
        var poisoned = scheduler.SubmitAsync(new JobSubmission("x\0", ["true"], ResourceRequest.Default, 9999, 1, null));
        var after = scheduler.SubmitAsync(new JobSubmission("after", ["true"], ResourceRequest.Default, 9999, 1, null));

        await scheduler.StartAsync(TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<UnstorableValueException>(() => WithinBound(poisoned, "the poisoned submission's answer"));
        Assert.Equal("name holds a NUL character (U+0000) at character 2; no store keeps it as text", refused.Message);
        foreach (var (name, submitted) in new[] { ("before", before), ("after", after) })
        {
            var stored = await Backend.Jobs.FindJobAsync(await WithinBound(submitted, name), TestContext.Current.CancellationToken);
            Assert.Equal(name, stored?.Job.Name);
        }

        Assert.True(scheduler.IsRunning);
    }

    [Fact]
    public async Task WhenTheStoreStillRefusesABatchForOneRequestsDataThatRequestFailsAloneAndTheRestAreCommitted()
    {
        // A value the checks let through but the store refuses, as PostgreSQL refuses a byte sequence it cannot hold.
        var store = new RefusingStore(Backend.Scheduler, "refused-by-the-store");
        await using var scheduler = new Scheduler(
            store, new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()), Time, new JobWaiters(), NullLogger<Scheduler>.Instance);
        var before = scheduler.SubmitAsync(new JobSubmission("before", ["true"], ResourceRequest.Default, 9999, 1, null));
        var refused = scheduler.SubmitAsync(new JobSubmission("refused-by-the-store", ["true"], ResourceRequest.Default, 9999, 1, null));
        var after = scheduler.SubmitAsync(new JobSubmission("after", ["true"], ResourceRequest.Default, 9999, 1, null));

        await scheduler.StartAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<UnstorableValueException>(() => WithinBound(refused, "the refused submission's answer"));
        Assert.Equal("$2 is refused by this store", error.Message);
        foreach (var (name, submitted) in new[] { ("before", before), ("after", after) })
        {
            var stored = await Backend.Jobs.FindJobAsync(await WithinBound(submitted, name), TestContext.Current.CancellationToken);
            Assert.Equal(name, stored?.Job.Name);
        }

        Assert.True(scheduler.IsRunning);
        var next = await WithinBound(scheduler.SubmitAsync(new JobSubmission("next", ["true"], ResourceRequest.Default, 9999, 1, null)), "a later submission");
        Assert.Equal("next", (await Backend.Jobs.FindJobAsync(next, TestContext.Current.CancellationToken))?.Job.Name);
    }

    /// <summary>A real store that refuses, before writing anything, every batch holding a job of one name.</summary>
    private sealed class RefusingStore(ISchedulerStore inner, string refusedName) : ISchedulerStore
    {
        public Task<StoredCluster> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken) =>
            changes.Jobs.Any(j => j.Name == refusedName)
                ? throw new UnstorableValueException("$2 is refused by this store")
                : inner.CommitAsync(changes, cancellationToken);
    }

    [Fact]
    public async Task SubmissionIsStoredBeforeItsAssignmentIsSent()
    {
        await using var scheduler = NewScheduler();
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        using var session = new WorkerSession("w1");
        await scheduler.ConnectAsync(session, Register("w1"));

        var id = await scheduler.SubmitAsync(new JobSubmission("j", ["true"], ResourceRequest.Default, 9999, 1, null));
        var stored = await Backend.Jobs.FindJobAsync(id, TestContext.Current.CancellationToken);
        Assert.NotNull(stored);

        SupervisorMessage? assign = null;
        while (assign is null)
        {
            var message = await WithinBound(session.Outgoing.ReadAsync(TestContext.Current.CancellationToken).AsTask(), "an assignment");
            assign = message.BodyCase == SupervisorMessage.BodyOneofCase.Assign ? message : null;
        }

        Assert.Equal(id, assign.Assign.JobId);
    }

    [Fact]
    public async Task LoopDeclaresASilentWorkerDownWhenTheClockPassesTheTimeoutWithoutPolling()
    {
        await using var scheduler = NewScheduler();
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        using var session = new WorkerSession("w1");
        await scheduler.ConnectAsync(session, Register("w1"));
        var id = await scheduler.SubmitAsync(new JobSubmission("j", ["true"], ResourceRequest.Default, 9999, 1, null));
        var down = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.ViewChanged += () =>
        {
            if (scheduler.View.Workers.Single().State == "down")
            {
                down.TrySetResult(true);
            }
        };

        Time.Advance(TimeSpan.FromSeconds(37));
        Assert.False(down.Task.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(0.5));
        await WithinBound(down.Task, "the worker to be declared down");

        var job = await Backend.Jobs.FindJobAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal("pending", Assert.Single(job!.Subjobs).State);
        Assert.True(session.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task RestartedSchedulerAdoptsRunningWorkAndRequeuesItWhenTheWorkerNeverReturns()
    {
        long id;
        await using (var first = NewScheduler())
        {
            await first.StartAsync(TestContext.Current.CancellationToken);
            using var session = new WorkerSession("w1");
            await first.ConnectAsync(session, Register("w1"));
            id = await first.SubmitAsync(new JobSubmission("j", ["true"], ResourceRequest.Default, 9999, 1, null));
            await WithinBound(session.Outgoing.ReadAsync(TestContext.Current.CancellationToken).AsTask(), "registration");
            await WithinBound(session.Outgoing.ReadAsync(TestContext.Current.CancellationToken).AsTask(), "the assignment");
        }

        await using var second = NewScheduler();
        await second.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("unreachable", 1), (second.View.Workers.Single().State, second.View.Workers.Single().Running));

        Time.Advance(TimeSpan.FromSeconds(37.5));
        var requeued = false;
        for (var i = 0; i < 100 && !requeued; i++)
        {
            var job = await Backend.Jobs.FindJobAsync(id, TestContext.Current.CancellationToken);
            requeued = job!.Subjobs[0].State == "pending";
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(requeued, "the subjob of the worker that never came back was not requeued");
    }
}
