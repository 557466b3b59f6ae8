using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

public sealed class SchedulerStateTests
{
    [Fact]
    public void SubmittedJobIsAssignedToAConnectedWorkerWithItsAllocation()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        var job = h.Submit("host.processors=2+");

        var assign = Assert.Single(h.Place()).Assign;

        Assert.Equal($"{job.Id}.0.1", assign.AssignmentId);
        Assert.Equal(4, assign.Allocations["host.processors"]);
        Assert.Equal(WorkState.Running, job.State);
        Assert.Equal("w1", job.Subjobs[0].Host);
        Assert.Equal(4, h.Used("w1"));
    }

    [Fact]
    public void ExitCodeDecidesCompleteOrFailedAndReleasesTheResources()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 2);
        var ok = h.Submit();
        var bad = h.Submit();
        h.Place();

        h.Exit("w1", ok.Subjobs[0].AssignmentId, 0);
        h.Exit("w1", bad.Subjobs[0].AssignmentId, 3);

        Assert.Equal(WorkState.Complete, ok.State);
        Assert.Equal(WorkState.Failed, bad.State);
        Assert.Equal(3, bad.Subjobs[0].ExitCode);
        Assert.Equal(0, h.Used("w1"));
        Assert.Empty(h.State.ActiveJobs);
    }

    [Fact]
    public void WorkerHeardWithinTheTimeoutStaysUp()
    {
        var h = new SchedulerHarness();
        var session = h.Connect("w1", 1);
        h.Submit();
        h.Place();

        h.Time.Advance(TimeSpan.FromSeconds(20));
        h.State.Heard(session);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        h.State.ExpireWorkers(h.Next());

        Assert.Equal(WorkerStatus.Up, h.State.Workers["w1"].Status);
        Assert.Equal(1, h.Used("w1"));
        Assert.Equal(h.Time.GetUtcNow() - TimeSpan.FromSeconds(20) + SchedulerHarness.Expiry, h.State.NextExpiry());
    }

    [Fact]
    public void SilentWorkerIsDownAtTheTimeoutAndItsWorkIsPendingAgainWithResourcesReleasedOnce()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        var job = h.Submit("host.processors=3");
        h.Place();

        h.Time.Advance(SchedulerHarness.Expiry - TimeSpan.FromMilliseconds(1));
        h.State.ExpireWorkers(h.Next());
        Assert.Equal(WorkerStatus.Up, h.State.Workers["w1"].Status);

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var fx = h.Next();
        h.State.ExpireWorkers(fx);
        h.State.ExpireWorkers(h.Next());

        Assert.Equal(WorkerStatus.Down, h.State.Workers["w1"].Status);
        Assert.Equal(WorkState.Pending, job.Subjobs[0].State);
        Assert.Equal(WorkState.Pending, job.State);
        Assert.Equal(0, h.Used("w1"));
        Assert.Contains(h.Sessions["w1"], fx.SessionsToClose);
        Assert.Null(h.State.NextExpiry());
    }

    [Fact]
    public void LostWorkRunsAgainElsewhereBeforeLaterWorkAtTheSamePriority()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var first = h.Submit();
        var second = h.Submit();
        h.Place();
        Assert.Equal(WorkState.Running, first.State);
        Assert.Equal(WorkState.Pending, second.State);

        h.Time.Advance(SchedulerHarness.Expiry);
        h.State.ExpireWorkers(h.Next());
        h.Connect("w2", 1);
        var assign = Assert.Single(h.Place()).Assign;

        Assert.Equal(first.Id, assign.JobId);
        Assert.Equal(2, first.Subjobs[0].Attempt);
        Assert.Equal("w2", first.Subjobs[0].Host);
        Assert.Equal(WorkState.Pending, second.State);
    }

    [Fact]
    public void WorkerReturningAfterDownHasItsStaleProcessKilledBeforeItTakesNewWork()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit();
        h.Place();
        var stale = job.Subjobs[0].AssignmentId;
        h.Time.Advance(SchedulerHarness.Expiry);
        h.State.ExpireWorkers(h.Next());

        h.Connect("w1", 1, SchedulerHarness.Running(stale));
        var kill = Assert.Single(h.Effects.Messages, m => m.Message.BodyCase == SupervisorMessage.BodyOneofCase.Kill);
        Assert.Equal(stale, kill.Message.Kill.AssignmentId);
        Assert.Empty(h.Place());
        Assert.Equal(WorkState.Pending, job.State);

        h.Exit("w1", stale, 137);
        Assert.Equal(WorkState.Pending, job.State);
        var assign = Assert.Single(h.Place()).Assign;
        Assert.Equal($"{job.Id}.0.2", assign.AssignmentId);
        Assert.Equal(1, h.Used("w1"));
    }

    [Fact]
    public void WorkerReconnectingWithinTheTimeoutKeepsItsRunningProcess()
    {
        var h = new SchedulerHarness();
        var session = h.Connect("w1", 2);
        var job = h.Submit();
        h.Place();
        var attempt = job.Subjobs[0].AssignmentId;

        h.State.Disconnect(session, h.Next());
        Assert.Equal(WorkerStatus.Unreachable, h.State.Workers["w1"].Status);
        h.Submit();
        Assert.Empty(h.Place());

        h.Time.Advance(TimeSpan.FromSeconds(10));
        h.Connect("w1", 2, SchedulerHarness.Running(attempt));

        Assert.DoesNotContain(h.Effects.Messages, m => m.Message.BodyCase == SupervisorMessage.BodyOneofCase.Kill);
        Assert.Equal(WorkState.Running, job.State);
        Assert.Equal(attempt, job.Subjobs[0].AssignmentId);
        Assert.Single(h.Place());
        Assert.Equal(2, h.Used("w1"));
    }

    [Fact]
    public void WorkerReconnectingWithoutAProcessItWasGivenHasThatWorkRequeued()
    {
        var h = new SchedulerHarness();
        var session = h.Connect("w1", 1);
        var job = h.Submit();
        h.Place();
        h.State.Disconnect(session, h.Next());

        h.Connect("w1", 1);

        Assert.Equal(WorkState.Pending, job.State);
        Assert.Equal(0, h.Used("w1"));
        Assert.Single(h.Place());
        Assert.Equal(2, job.Subjobs[0].Attempt);
    }

    [Fact]
    public void KillWithdrawsPendingSubjobsAndStopsRunningOnes()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(cpus: 2);
        h.Place();

        var fx = h.Next();
        Assert.Equal(KillOutcome.Stopping, h.State.Kill(job.Id, fx));
        var kill = Assert.Single(fx.Messages).Message.Kill;
        Assert.Equal(job.Subjobs[0].AssignmentId, kill.AssignmentId);
        Assert.Equal(WorkState.Killed, job.Subjobs[1].State);
        Assert.Equal(WorkState.Running, job.State);

        h.Exit("w1", kill.AssignmentId, 143);
        Assert.Equal(WorkState.Killed, job.State);
        Assert.Equal(0, h.Used("w1"));
        Assert.Equal(KillOutcome.NotActive, h.State.Kill(job.Id, h.Next()));
    }

    [Fact]
    public void RangeSubjobGrowsWhenUnitsFreeAndTheWorkerIsTold()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 4);
        var blocker = h.Submit("host.processors=3");
        h.Place();
        var range = h.Submit("host.processors=1-4");
        Assert.Equal(1, Assert.Single(h.Place()).Assign.Allocations["host.processors"]);

        h.Exit("w1", blocker.Subjobs[0].AssignmentId);
        var grow = Assert.Single(h.Place()).Grow;

        Assert.Equal(range.Subjobs[0].AssignmentId, grow.AssignmentId);
        Assert.Equal(4, grow.Allocations["host.processors"]);
        Assert.Equal(4, range.Subjobs[0].Allocation.Processors);
        var change = Assert.Single(h.Effects.ToChangeSet().AllocationChanges);
        Assert.Equal(("grow", 4), (change.Kind, change.Allocations["host.processors"]));
    }

    [Fact]
    public void GlobalResourceSerialisesJobsAcrossWorkers()
    {
        var h = new SchedulerHarness("global.maya=1");
        h.Connect("w1", 2);
        h.Connect("w2", 2);
        var a = h.Submit("host.processors=1,global.maya=1");
        var b = h.Submit("host.processors=1,global.maya=1");

        Assert.Single(h.Place());
        Assert.Equal(WorkState.Pending, b.State);
        h.Exit(a.Subjobs[0].Host!, a.Subjobs[0].AssignmentId);
        Assert.Single(h.Place());
        Assert.Equal(WorkState.Running, b.State);
    }

    [Fact]
    public void UnknownGlobalResourceIsRefusedWithNothingQueued()
    {
        var h = new SchedulerHarness("global.maya=1");
        var error = Assert.Throws<Core.Placement.PlacementException>(() => h.Submit("host.processors=1,global.nuke=1"));

        Assert.Contains("global.nuke", error.Message, StringComparison.Ordinal);
        Assert.Contains("global.maya", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.State.ActiveJobs);
        Assert.Empty(h.State.Cluster.Pending);
    }

    [Fact]
    public void ReportFromAnOlderAttemptIsIgnored()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit();
        h.Place();
        var old = job.Subjobs[0].AssignmentId;
        h.Time.Advance(SchedulerHarness.Expiry);
        h.State.ExpireWorkers(h.Next());
        h.Connect("w2", 1);
        h.Place();

        h.Exit("w2", old, 0);

        Assert.Equal(WorkState.Running, job.State);
        Assert.Equal(1, h.Used("w2"));
    }
}
