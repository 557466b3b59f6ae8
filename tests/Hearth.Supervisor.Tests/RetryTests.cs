using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>Automatic retries, the requeue cap and retries by hand, on the scheduler's state with a fake clock.</summary>
public sealed class RetryTests
{
    private static JobControls Retries(int retries, double delaySeconds = 0) => new(retries, TimeSpan.FromSeconds(delaySeconds), []);

    [Fact]
    public void AFailedSubjobRunsAgainUpToItsRetriesAndKeepsEveryAttempt()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(Retries(2));
        var subjob = job.Subjobs[0];

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal($"{job.Id}.0.{attempt}", Assert.Single(h.Place()).Assign.AssignmentId);
            h.Exit("w1", subjob.AssignmentId, 7);
            Assert.Equal(WorkState.Pending, subjob.State);
            Assert.Equal(WorkState.Pending, job.State);
            Assert.Equal(0, h.Used("w1"));
        }

        Assert.Equal($"{job.Id}.0.3", Assert.Single(h.Place()).Assign.AssignmentId);
        h.Exit("w1", subjob.AssignmentId, 7);

        Assert.Equal(WorkState.Failed, job.State);
        Assert.Equal(7, subjob.ExitCode);
        Assert.Equal(3, subjob.Attempt);
        Assert.Equal([(1, "failed", 7), (2, "failed", 7)], subjob.PastAttempts.Select(a => (a.Attempt, a.Outcome, a.ExitCode!.Value)));
    }

    [Fact]
    public void ASubjobThatSucceedsOnItsRetryCompletesTheJob()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(Retries(3));
        h.Place();
        h.Exit("w1", job.Subjobs[0].AssignmentId, 1);
        h.Place();
        h.Exit("w1", job.Subjobs[0].AssignmentId, 0);

        Assert.Equal(WorkState.Complete, job.State);
        Assert.Equal(2, job.Subjobs[0].Attempt);
        Assert.Single(job.Subjobs[0].PastAttempts);
    }

    [Fact]
    public void ARetryWaitsOutItsDelayAndTheLoopIsWokenForIt()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(Retries(1, delaySeconds: 30));
        h.Place();
        var failedAt = h.Time.GetUtcNow();
        h.Exit("w1", job.Subjobs[0].AssignmentId, 1);

        Assert.Empty(h.Place());
        Assert.Equal(failedAt + TimeSpan.FromSeconds(30), h.State.NextRetry());
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(h.Place());

        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal($"{job.Id}.0.2", Assert.Single(h.Place()).Assign.AssignmentId);
        Assert.Null(h.State.NextRetry());
    }

    [Fact]
    public void ARetryAvoidsTheHostItFailedOnWhenAnotherFitsAndUsesItWhenNoneDoes()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        h.Connect("w2", 1);
        var job = h.Submit(Retries(2));
        h.Place();
        var first = job.Subjobs[0].Host!;
        var other = first == "w1" ? "w2" : "w1";

        h.Exit(first, job.Subjobs[0].AssignmentId, 1);
        h.Place();
        Assert.Equal(other, job.Subjobs[0].Host);

        // The other host is now busy with new work, so the one where it just failed is the only one that fits.
        h.Exit(other, job.Subjobs[0].AssignmentId, 1);
        var busy = h.Submit();
        h.Place();
        Assert.Equal(first, job.Subjobs[0].Host);
        Assert.Equal(other, busy.Subjobs[0].Host);
    }

    [Fact]
    public void AKilledSubjobIsNotRetried()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(Retries(3));
        h.Place();
        h.State.Kill(job.Id, h.Next());
        h.Exit("w1", job.Subjobs[0].AssignmentId, 143);

        Assert.Equal(WorkState.Killed, job.State);
    }

    [Fact]
    public void WorkLostWithItsWorkerIsRequeuedUpToTheCapAndThenFailsWithTheReason()
    {
        var h = new SchedulerHarness(maxRequeues: 2);
        var job = h.Submit();
        var subjob = job.Subjobs[0];
        for (var lost = 1; lost <= 2; lost++)
        {
            h.Connect("w1", 1);
            h.Place();
            h.State.Leave(h.Sessions["w1"], h.Next());
            Assert.Equal(WorkState.Pending, subjob.State);
            Assert.Equal(lost, subjob.Requeues);
        }

        h.Connect("w1", 1);
        h.Place();
        h.State.Leave(h.Sessions["w1"], h.Next());

        Assert.Equal(WorkState.Failed, job.State);
        Assert.Equal("its worker w1 was lost, and it was already requeued 2 time(s) after worker loss, the most allowed", subjob.Error);
        Assert.Equal(["lost", "lost", "lost"], subjob.PastAttempts.Select(a => a.Outcome));
        Assert.Empty(h.State.ActiveJobs);
    }

    [Fact]
    public void AnEndedJobRetriedByHandRunsItsFailedSubjobAgainAwayFromWhereItFailed()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        h.Connect("w2", 1);
        var job = h.Submit(cpus: 2);
        h.Place();
        h.Exit("w1", job.Subjobs.Single(s => s.Host == "w1").AssignmentId, 0);
        var failed = job.Subjobs.Single(s => s.Host == "w2");
        h.Exit("w2", failed.AssignmentId, 9);
        Assert.Equal(WorkState.Failed, job.State);
        Assert.Empty(h.State.ActiveJobs);

        var retried = RetryByHand(h, job);

        Assert.Equal(WorkState.Running, retried.State);
        Assert.Null(retried.FinishedAt);
        var again = retried.Subjobs[failed.Index];
        Assert.Equal(WorkState.Pending, again.State);
        Assert.Equal(WorkState.Complete, retried.Subjobs[1 - failed.Index].State);
        Assert.Equal((1, "failed", 9), again.PastAttempts.Select(a => (a.Attempt, a.Outcome, a.ExitCode!.Value)).Single());
        h.Place();
        Assert.Equal("w1", again.Host);
        Assert.Equal(2, again.Attempt);
        h.Exit("w1", again.AssignmentId, 0);
        Assert.Equal(WorkState.Complete, retried.State);
    }

    [Fact]
    public void AnEndedJobRetriedByHandKeepsItsRequirements()
    {
        var h = new SchedulerHarness();
        var requirements = Requirement.Parse("host.os == \"linux\"");
        var job = h.State.Submit(
            new JobSubmission("test", ["true"], ResourceRequest.Parse("host.processors=1"), 9999, 1, null, Requirements: requirements), h.Next());
        Assert.Equal(KillOutcome.Killed, h.State.Kill(job.Id, h.Next()));

        var retried = RetryByHand(h, job);

        Assert.Equal(requirements.Text, retried.Requirements?.Text);
        Assert.Equal(requirements.Text, h.State.Cluster.Pending.Single().Requirements?.Text);
    }

    [Fact]
    public void ARetryByHandIsRefusedForACompleteJobAnUnknownSubjobAndAStaleRead()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit();
        h.Place();
        var staleRead = Stored(job);
        h.Exit("w1", job.Subjobs[0].AssignmentId, 0);

        var complete = Assert.Throws<JobRetryRefusedException>(() => RetryByHand(h, job));
        Assert.Equal($"job {job.Id} is complete and has no failed or killed subjob to retry", complete.Message);
        var one = Assert.Throws<JobRetryRefusedException>(() => RetryByHand(h, job, 0));
        Assert.Equal($"subjob 0 of job {job.Id} is complete; only failed or killed subjobs are retried", one.Message);
        var missing = Assert.Throws<FarmTargetNotFoundException>(() => RetryByHand(h, job, 5));
        Assert.Equal($"job {job.Id} has no subjob 5; it has 1 (0 to 0)", missing.Message);
        Assert.Throws<JobRetryRefusedException>(() => h.State.Retry(job.Id, null, staleRead, null, h.Next()));
        Assert.Throws<FarmTargetNotFoundException>(() => h.State.Retry(99, null, null, null, h.Next()));
    }

    [Fact]
    public void ARetryByHandKeepsTheRetryBudgetFreshAndRestoresFromItsRecords()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit(Retries(1, delaySeconds: 60));
        h.Place();
        h.Exit("w1", job.Subjobs[0].AssignmentId, 1);

        // A restarted supervisor finds the subjob waiting out its delay, not placeable before it.
        var restored = new SchedulerHarness();
        restored.State.Restore(new StoredCluster([], [Stored(job)], job.Id, job.Subjobs[0].Sequence), restored.Next());
        restored.Connect("w1", 1);
        Assert.Empty(restored.Place());
        restored.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Single(restored.Place());
        var subjob = restored.State.ActiveJobs[job.Id].Subjobs[0];
        Assert.Equal(2, subjob.Attempt);
        Assert.Equal(1, subjob.Retried);
    }

    /// <summary>Commits the last cycle, then retries with the job as the store then holds it, as the API does.</summary>
    internal static Job RetryByHand(SchedulerHarness h, Job job, int? index = null, IReadOnlyDictionary<long, string>? storedStates = null)
    {
        var fx = h.Next();
        return h.State.Retry(job.Id, index, Stored(job), storedStates, fx);
    }

    /// <summary>The job as the store holds it after the last commit.</summary>
    internal static JobDetails Stored(Job job) => new(job.ToRecord(), [.. job.Subjobs.Select(s => s.ToRecord())], []);
}
