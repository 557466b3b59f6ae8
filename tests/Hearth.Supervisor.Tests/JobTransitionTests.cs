using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

public sealed class JobTransitionTests
{
    private static Job NewJob(int cpus = 1)
    {
        var h = new SchedulerHarness();
        return h.State.Submit(new JobSubmission("j", ["true"], ResourceRequest.Default, 9999, cpus, null), h.Next());
    }

    [Fact]
    public void FinishingAPendingSubjobIsRefused()
    {
        var subjob = NewJob().Subjobs[0];

        var error = Assert.Throws<IllegalTransitionException>(() => subjob.Finish(0, null, DateTimeOffset.UnixEpoch));

        Assert.Contains("pending", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DispatchingARunningSubjobIsRefused()
    {
        var subjob = NewJob().Subjobs[0];
        subjob.Dispatch("w1", Allocation.Empty);

        Assert.Throws<IllegalTransitionException>(() => subjob.Dispatch("w2", Allocation.Empty));
    }

    [Fact]
    public void KillingAnEndedSubjobIsRefused()
    {
        var subjob = NewJob().Subjobs[0];
        subjob.Dispatch("w1", Allocation.Empty);
        subjob.Finish(0, null, DateTimeOffset.UnixEpoch);

        Assert.Throws<IllegalTransitionException>(() => subjob.Cancel(DateTimeOffset.UnixEpoch));
        Assert.Throws<IllegalTransitionException>(() => subjob.Requeue());
    }

    [Fact]
    public void JobIsRunningWhileSomeSubjobsHaveEndedAndOthersWait()
    {
        var job = NewJob(cpus: 2);
        job.Subjobs[0].Dispatch("w1", Allocation.Empty);
        job.Subjobs[0].Finish(0, null, DateTimeOffset.UnixEpoch);
        job.Refresh(DateTimeOffset.UnixEpoch);

        Assert.Equal(WorkState.Running, job.State);
    }

    [Fact]
    public void JobWithAKilledSubjobEndsKilledEvenIfOthersFailed()
    {
        var job = NewJob(cpus: 2);
        job.Subjobs[0].Dispatch("w1", Allocation.Empty);
        job.Subjobs[0].Finish(1, null, DateTimeOffset.UnixEpoch);
        job.Subjobs[1].Cancel(DateTimeOffset.UnixEpoch);
        job.Refresh(DateTimeOffset.UnixEpoch);

        Assert.Equal(WorkState.Killed, job.State);
        Assert.Equal(DateTimeOffset.UnixEpoch, job.FinishedAt);
    }
}
