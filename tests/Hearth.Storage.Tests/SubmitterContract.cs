using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for which account submitted a job; subclassed once per backend.</summary>
public abstract class SubmitterContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task AJobKeepsTheAccountThatSubmittedItOrNoneForAnAdminKey()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, submittedBy: "alice"));
            c.Jobs.Add(Job(2));
        });
        await CommitAsync(c => c.Jobs.Add(Job(1, "running", version: 1, submittedBy: "alice")));

        AssertStored(Job(1, "running", version: 2, submittedBy: "alice"), (await Store.Jobs.FindJobAsync(1, Cancel))!.Job);
        Assert.Null((await Store.Jobs.FindJobAsync(2, Cancel))!.Job.SubmittedBy);
        var loaded = await Open().Scheduler.LoadAsync(Cancel);
        Assert.Equal(["alice", null], loaded.UnfinishedJobs.Select(j => j.Job.SubmittedBy));
    }

    [Fact]
    public async Task ListsAndCountsKeepOnlyJobsOfTheNamedSubmitters()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "complete", submittedBy: "alice"));
            c.Jobs.Add(Job(2, "pending", submittedBy: "bob"));
            c.Jobs.Add(Job(3, "pending", submittedBy: "acme"));
            c.Jobs.Add(Job(4, "pending"));
            c.Jobs.Add(Job(5, "running", submittedBy: "alice"));
        });
        string[] aliceAndAcme = ["alice", "acme"];

        var visible = await Store.Jobs.ListJobsAsync(new JobFilter(SubmittedBy: aliceAndAcme), Cancel);
        var pending = await Store.Jobs.ListJobsAsync(new JobFilter("pending", SubmittedBy: aliceAndAcme), Cancel);
        var paged = await Store.Jobs.ListJobsAsync(new JobFilter(Limit: 1, BeforeId: 5, SubmittedBy: aliceAndAcme), Cancel);
        var nobody = await Store.Jobs.ListJobsAsync(new JobFilter(SubmittedBy: []), Cancel);
        var everyone = await Store.Jobs.ListJobsAsync(new JobFilter(), Cancel);
        var counts = await Store.Jobs.CountJobsByStateAsync(aliceAndAcme, Cancel);
        var noCounts = await Store.Jobs.CountJobsByStateAsync([], Cancel);

        Assert.Equal([5L, 3, 1], visible.Select(j => j.Id));
        Assert.Equal([3L], pending.Select(j => j.Id));
        Assert.Equal([3L], paged.Select(j => j.Id));
        Assert.Empty(nobody);
        Assert.Equal([5L, 4, 3, 2, 1], everyone.Select(j => j.Id));
        Assert.Equal(
            [("complete", 1), ("pending", 1), ("running", 1)],
            counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Empty(noCounts);
    }

    [Fact]
    public async Task JobsStoredBeforeSubmittersWereKeptReadAsTheAdminsAndGetTheirFirstSubjobsStart()
    {
        var upgrade = MigrationScripts.For(Store.Name).Single(s => s.Name == "job_submitters");
        // A later index stands on the column this upgrade adds: the store before the upgrade had neither.
        var laterIndex = MigrationScripts.For(Store.Name).Single(s => s.Name == "jobs_by_submitter_and_state");
        var running = Job(1, "running") with { StartedAt = null };
        await CommitAsync(c =>
        {
            c.Jobs.Add(running);
            c.Subjobs.Add(Subjob(1, 0, "running", host: "w1"));
            c.Subjobs.Add(Subjob(1, 1));
            c.Jobs.Add(Job(2, "pending"));
            c.Subjobs.Add(Subjob(2, 0));
        });

        // The store as the supervisor before this migration left it.
        await ExecuteAsync($"""
            DROP INDEX jobs_by_submitter;
            DROP INDEX jobs_by_submitter_state;
            ALTER TABLE jobs DROP COLUMN submitted_by;
            DELETE FROM schema_migrations WHERE version IN ({upgrade.Version}, {laterIndex.Version});
            """);
        var applied = await Open().MigrateAsync(Cancel);

        Assert.Equal([upgrade.Version, laterIndex.Version], applied);
        var job = (await Store.Jobs.FindJobAsync(1, Cancel))!.Job;
        AssertStored(running with { StartedAt = At, Version = 1 }, job);
        Assert.Null(job.SubmittedBy);
        Assert.Null((await Store.Jobs.FindJobAsync(2, Cancel))!.Job.StartedAt);
    }
}
