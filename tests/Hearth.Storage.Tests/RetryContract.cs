using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for retry limits, dependencies and attempts; subclassed once per backend.</summary>
public abstract class RetryContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task RetryLimitsDependenciesAndEndedAttemptsLoadBackAndABlockedJobIsUnfinished()
    {
        var controls = new JobControlsRecord(2, 30_000, [3, 5], [5]);
        var job = Job(7, "blocked") with { Controls = controls };
        var attempt = new AttemptRecord(1, "failed", "w1", 3, null, AtMs, AtMs);
        var tries = new SubjobTriesRecord(1, 1, "w1", AtMs, [attempt]);
        await CommitAsync(c =>
        {
            c.Jobs.Add(job);
            c.Subjobs.Add(Subjob(7, 0) with { Tries = tries });
        });

        var details = Assert.Single((await Open().Scheduler.LoadAsync(Cancel)).UnfinishedJobs);
        Assert.Equal("blocked", details.Job.State);
        Assert.Equal((2, 30_000L), (details.Job.Controls!.Retries, details.Job.Controls.RetryDelayMs));
        Assert.Equal([3L, 5L], details.Job.Controls.DependsOn);
        Assert.Equal([5L], details.Job.Controls.Waiting);
        var loaded = details.Subjobs[0].Tries!;
        Assert.Equal((1, 1, "w1", (DateTimeOffset?)AtMs), (loaded.Requeues, loaded.Retried, loaded.AvoidHost, loaded.RetryAt));
        Assert.Equal(attempt, Assert.Single(loaded.Attempts));

        // An update rewrites what the job still waits for and the subjob's bookkeeping.
        await CommitAsync(c =>
        {
            c.Jobs.Add(job with { State = "pending", Version = 1, Controls = controls with { Waiting = [] } });
            c.Subjobs.Add(Subjob(7, 0, version: 1));
        });
        var updated = (await Store.Jobs.FindJobAsync(7, Cancel))!;
        Assert.Empty(updated.Job.Controls!.Waiting);
        Assert.Null(updated.Subjobs[0].Tries);
    }
}
