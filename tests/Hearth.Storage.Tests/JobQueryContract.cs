using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for job, subjob and log queries; subclassed once per backend.</summary>
public abstract class JobQueryContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task FindingAnUnknownJobGivesNull()
    {
        Assert.Null(await Store.Jobs.FindJobAsync(404, Cancel));
    }

    [Fact]
    public async Task AFoundJobHasItsSubjobsInIndexOrderAndOnlyItsOwnHistory()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "running"));
            c.Jobs.Add(Job(2, "running"));
            c.Subjobs.Add(Subjob(1, 2));
            c.Subjobs.Add(Subjob(1, 0));
            c.Subjobs.Add(Subjob(1, 1));
            c.Subjobs.Add(Subjob(2, 0));
            c.AllocationChanges.Add(new AllocationChangeRecord(2, 0, 1, AllocationChangeKinds.Dispatch, "w2", Amounts(("host.processors", 1)), At));
            c.AllocationChanges.Add(new AllocationChangeRecord(1, 1, 1, AllocationChangeKinds.Dispatch, "w1", Amounts(("host.processors", 2)), At));
        });

        var details = (await Store.Jobs.FindJobAsync(1, Cancel))!;

        Assert.Equal([0, 1, 2], details.Subjobs.Select(s => s.Index));
        Assert.Equal("w1", Assert.Single(details.History).Host);
    }

    [Fact]
    public async Task JobsAreListedNewestFirstFilteredByStateAndPagedById()
    {
        string[] states = ["complete", "pending", "complete", "failed", "complete", "running", "complete"];
        await CommitAsync(c =>
        {
            for (var i = 0; i < states.Length; i++)
            {
                c.Jobs.Add(Job(i + 1, states[i]));
            }
        });

        var all = await Store.Jobs.ListJobsAsync(new JobFilter(), Cancel);
        var complete = await Store.Jobs.ListJobsAsync(new JobFilter("complete"), Cancel);
        var firstPage = await Store.Jobs.ListJobsAsync(new JobFilter("complete", Limit: 2), Cancel);
        var nextPage = await Store.Jobs.ListJobsAsync(new JobFilter("complete", Limit: 2, BeforeId: firstPage[^1].Id), Cancel);
        var before = await Store.Jobs.ListJobsAsync(new JobFilter(BeforeId: 3), Cancel);

        Assert.Equal([7L, 6, 5, 4, 3, 2, 1], all.Select(j => j.Id));
        Assert.Equal([7L, 5, 3, 1], complete.Select(j => j.Id));
        Assert.Equal([7L, 5], firstPage.Select(j => j.Id));
        Assert.Equal([3L, 1], nextPage.Select(j => j.Id));
        Assert.Equal([2L, 1], before.Select(j => j.Id));
        AssertStored(Job(6, "running", version: 1), all[1]);
    }

    [Fact]
    public async Task JobsAreCountedByEveryStateTheyAreIn()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "complete"));
            c.Jobs.Add(Job(2, "pending"));
            c.Jobs.Add(Job(3, "complete"));
            c.Jobs.Add(Job(4, "killed"));
        });

        var counts = await Store.Jobs.CountJobsByStateAsync(null, Cancel);

        Assert.Equal(
            [("complete", 2), ("killed", 1), ("pending", 1)],
            counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public async Task OutputComesBackPerAttemptInWriteOrderWithEveryByteIntact()
    {
        byte[] binary = [0, 255, 10, 13, 0, 128, 7];
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 1, "first "u8.ToArray()));
            c.Logs.Add(new LogChunkRecord(1, 0, 2, 1, "another attempt"u8.ToArray()));
            c.Logs.Add(new LogChunkRecord(1, 1, 1, 1, "another subjob"u8.ToArray()));
        });
        await CommitAsync(c =>
        {
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 2, "oops\n"u8.ToArray()));
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 1, binary));
        });

        var chunks = await ReadLogAsync(1, 0, 1);

        Assert.Equal([1, 2, 1], chunks.Select(c => c.Stream));
        Assert.Equal("first ", System.Text.Encoding.UTF8.GetString(chunks[0].Data));
        Assert.Equal("oops\n", System.Text.Encoding.UTF8.GetString(chunks[1].Data));
        Assert.Equal(binary, chunks[2].Data);
        Assert.Empty(await ReadLogAsync(1, 0, 3));
    }
    [Fact]
    public async Task JobsAreFilteredByOneAccountAndByAPartOfTheirNameIgnoringCaseAndLikeSigns()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "complete") with { Name = "Shot_010 comp" });
            c.Jobs.Add(Job(2, "failed", submittedBy: "alice") with { Name = "shot_010 light" });
            c.Jobs.Add(Job(3, "complete", submittedBy: "alice") with { Name = "shotX010 light" });
            c.Jobs.Add(Job(4, "complete", submittedBy: "bob") with { Name = "100% done" });
        });

        var alice = await Store.Jobs.ListJobsAsync(new JobFilter(Account: "alice"), Cancel);
        var admin = await Store.Jobs.ListJobsAsync(new JobFilter(Account: "admin"), Cancel);
        var shot = await Store.Jobs.ListJobsAsync(new JobFilter(NameContains: "SHOT_010"), Cancel);
        var percent = await Store.Jobs.ListJobsAsync(new JobFilter(NameContains: "0% d"), Cancel);
        var alicesComplete = await Store.Jobs.ListJobsAsync(new JobFilter("complete", Account: "alice"), Cancel);

        Assert.Equal([3L, 2], alice.Select(j => j.Id));
        Assert.Equal([1L], admin.Select(j => j.Id));
        Assert.Equal([2L, 1], shot.Select(j => j.Id));
        Assert.Equal([4L], percent.Select(j => j.Id));
        Assert.Equal([3L], alicesComplete.Select(j => j.Id));
    }

    [Fact]
    public async Task ALogIsTailedFromItsEndThenFollowedFromTheLastChunkRead()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "running"));
            c.Subjobs.Add(Subjob(1, 0));
            for (var i = 0; i < 5; i++)
            {
                c.Logs.Add(new LogChunkRecord(1, 0, 1, 1, System.Text.Encoding.UTF8.GetBytes($"{i};")));
            }

            c.Logs.Add(new LogChunkRecord(1, 0, 2, 1, "other attempt"u8.ToArray()));
        });

        var tail = await Store.Jobs.ReadLogTailAsync(1, 0, 1, -1, 2, Cancel);
        await CommitAsync(c => c.Logs.Add(new LogChunkRecord(1, 0, 1, 2, "5;"u8.ToArray())));
        var next = await Store.Jobs.ReadLogTailAsync(1, 0, 1, tail[^1].Id, 10, Cancel);

        Assert.Equal(["3;", "4;"], tail.Select(c => System.Text.Encoding.UTF8.GetString(c.Data)));
        Assert.Equal(["5;"], next.Select(c => System.Text.Encoding.UTF8.GetString(c.Data)));
        Assert.Equal(2, next[0].Stream);
        Assert.Equal(0, (await Store.Jobs.FindSubjobAsync(1, 0, Cancel))!.Index);
        Assert.Null(await Store.Jobs.FindSubjobAsync(1, 1, Cancel));
    }
}
