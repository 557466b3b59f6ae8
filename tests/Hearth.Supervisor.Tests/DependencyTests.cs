using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>Jobs that wait for others: blocked until they complete, failed at once when one does not.</summary>
public sealed class DependencyTests
{
    private static JobControls WaitFor(params long[] ids) => new(0, TimeSpan.Zero, ids);

    [Fact]
    public void AJobIsBlockedUntilEveryJobItWaitsForCompletes()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        var a = h.Submit();
        var b = h.Submit();
        var c = h.Submit(WaitFor(a.Id, b.Id));

        Assert.Equal(WorkState.Blocked, c.State);
        Assert.Equal([a.Id, b.Id], c.Waiting);
        Assert.Equal(2, h.Place().Count);

        h.Exit("w1", a.Subjobs[0].AssignmentId, 0);
        Assert.Equal(WorkState.Blocked, c.State);
        Assert.Equal([b.Id], c.Waiting);
        Assert.Empty(h.Place());

        h.Exit("w1", b.Subjobs[0].AssignmentId, 0);
        Assert.Equal(WorkState.Pending, c.State);
        Assert.Equal(c.Id, Assert.Single(h.Place()).Assign.JobId);
    }

    [Fact]
    public void AFailedDependencyFailsTheWholeChainAtOnce()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var a = h.Submit();
        var b = h.Submit(WaitFor(a.Id));
        var c = h.Submit(WaitFor(b.Id));
        h.Place();

        h.Exit("w1", a.Subjobs[0].AssignmentId, 2);

        Assert.Equal(WorkState.Failed, b.State);
        Assert.Equal($"dependency {a.Id} failed", b.Subjobs[0].Error);
        Assert.Equal(WorkState.Failed, c.State);
        Assert.Equal($"dependency {b.Id} failed", c.Subjobs[0].Error);
        Assert.Empty(h.State.ActiveJobs);
        Assert.Empty(h.Place());
    }

    [Fact]
    public void AKilledDependencyFailsTheDependentSayingSo()
    {
        var h = new SchedulerHarness();
        var a = h.Submit();
        var b = h.Submit(WaitFor(a.Id));

        h.State.Kill(a.Id, h.Next());

        Assert.Equal(WorkState.Failed, b.State);
        Assert.Equal($"dependency {a.Id} failed: it was killed", b.Subjobs[0].Error);
    }

    [Theory]
    [InlineData("complete", "pending", null)]
    [InlineData("failed", "failed", "dependency 7 failed")]
    [InlineData("killed", "failed", "dependency 7 failed: it was killed")]
    public void AJobThatEndedBeforeTheSupervisorStartedIsKnownByItsStoredState(string stored, string state, string? error)
    {
        var h = new SchedulerHarness();
        var job = h.Submit(WaitFor(7), new Dictionary<long, string> { [7] = stored });

        Assert.Equal(state, job.State.ToText());
        Assert.Equal(error, job.Subjobs[0].Error);
    }

    [Fact]
    public void AnUnknownJobIsRefusedNamingIt()
    {
        var h = new SchedulerHarness();
        var a = h.Submit();

        var error = Assert.Throws<InvalidRequestException>(() => h.Submit(WaitFor(a.Id, 42)));

        Assert.Equal("wait_for: job 42 does not exist", error.Message);
        Assert.Equal([a.Id], h.State.ActiveJobs.Keys);
    }

    [Fact]
    public void ADependencyRetriedIntoCompletionLetsTheDependentBeRetriedToo()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var a = h.Submit();
        var b = h.Submit(WaitFor(a.Id));
        h.Place();
        h.Exit("w1", a.Subjobs[0].AssignmentId, 1);
        Assert.Equal(WorkState.Failed, b.State);

        var refused = Assert.Throws<JobRetryRefusedException>(() => RetryTests.RetryByHand(h, b));
        Assert.Equal($"dependency {a.Id} failed; retry it first", refused.Message);

        var a2 = RetryTests.RetryByHand(h, a);
        var b2 = RetryTests.RetryByHand(h, b);
        Assert.Equal(WorkState.Blocked, b2.State);
        Assert.Null(b2.Subjobs[0].Error);

        h.Place();
        h.Exit("w1", a2.Subjobs[0].AssignmentId, 0);
        Assert.Equal(WorkState.Pending, b2.State);
        h.Place();
        h.Exit("w1", b2.Subjobs[0].AssignmentId, 0);
        Assert.Equal(WorkState.Complete, b2.State);
    }

    [Fact]
    public void ABlockedJobStaysBlockedAcrossARestartAndMovesOnWhenItsDependencyCompletes()
    {
        var h = new SchedulerHarness();
        var a = h.Submit();
        var b = h.Submit(WaitFor(a.Id));
        h.Next();

        var restored = new SchedulerHarness();
        restored.State.Restore(
            new StoredCluster([], [RetryTests.Stored(a), RetryTests.Stored(b)], b.Id, b.Subjobs[0].Sequence), restored.Next());
        restored.Connect("w1", 1);
        var placed = restored.Place();
        Assert.Equal(a.Id, Assert.Single(placed).Assign.JobId);
        var b2 = restored.State.ActiveJobs[b.Id];
        Assert.Equal(WorkState.Blocked, b2.State);
        Assert.Equal([a.Id], b2.Controls.DependsOn);

        restored.Exit("w1", restored.State.ActiveJobs[a.Id].Subjobs[0].AssignmentId, 0);
        Assert.Equal(b.Id, Assert.Single(restored.Place()).Assign.JobId);
    }
}
