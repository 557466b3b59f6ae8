using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for the scheduler's state: workers, jobs, subjobs and counters; subclassed once per backend.</summary>
public abstract class SchedulerStoreContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task AnEmptyStoreLoadsNoWorkersNoJobsAndZeroCounters()
    {
        var loaded = await Store.Scheduler.LoadAsync(Cancel);

        Assert.Empty(loaded.Workers);
        Assert.Empty(loaded.UnfinishedJobs);
        Assert.Equal((0L, 0L), (loaded.LastJobId, loaded.LastSequence));
    }

    [Fact]
    public async Task CommittedRecordsLoadBackFieldForFieldAtVersionOne()
    {
        var job = Job(7);
        SubjobRecord[] subjobs = [Subjob(7, 0), Subjob(7, 1, "running", host: "w1") with { Attempt = 3, KillRequested = true }];
        var worker = Worker("w1");
        var change = new AllocationChangeRecord(7, 1, 3, AllocationChangeKinds.Dispatch, "w1", Amounts(("host.processors", 3), ("global.maya", 1)), At);
        await CommitAsync(c =>
        {
            c.Jobs.Add(job);
            c.Subjobs.AddRange(subjobs);
            c.Workers.Add(worker);
            c.AllocationChanges.Add(change);
        });

        var loaded = await Open().Scheduler.LoadAsync(Cancel);

        var details = Assert.Single(loaded.UnfinishedJobs);
        AssertStored(job with { Version = 1 }, details.Job);
        Assert.Equal(2, details.Subjobs.Count);
        AssertStored(subjobs[0] with { Version = 1 }, details.Subjobs[0]);
        AssertStored(subjobs[1] with { Version = 1 }, details.Subjobs[1]);
        AssertStored(worker with { Version = 1 }, Assert.Single(loaded.Workers));
        var history = Assert.Single(details.History);
        Assert.Equal(change.Allocations.OrderBy(kv => kv.Key), history.Allocations.OrderBy(kv => kv.Key));
        Assert.Equal(change with { Allocations = history.Allocations, At = AtMs }, history);
        Assert.Equal((7L, 701L), (loaded.LastJobId, loaded.LastSequence));
    }

    [Fact]
    public async Task ARemovedWorkerIsDeletedAtItsVersionAndAStaleRemovalIsAConflict()
    {
        await CommitAsync(c => c.Workers.AddRange([Worker("gone", "down"), Worker("kept")]));
        await CommitAsync(c => c.Workers.Add(Worker("gone", "down", version: 1)));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.RemovedWorkers.Add(Worker("gone", "down", version: 1))));
        await CommitAsync(c => c.RemovedWorkers.Add(Worker("gone", "down", version: 2)));

        var loaded = await Open().Scheduler.LoadAsync(Cancel);
        Assert.Equal(["kept"], loaded.Workers.Select(w => w.Name));
    }

    [Fact]
    public async Task TimesAreKeptToTheMillisecondInUtc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 14, 30, 15, TimeSpan.FromHours(2)).AddTicks(9_999);
        await CommitAsync(c => c.Jobs.Add(Job(1) with { SubmittedAt = local }));

        var stored = (await Store.Jobs.FindJobAsync(1, Cancel))!.Job.SubmittedAt;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(local.ToUnixTimeMilliseconds()), stored);
        Assert.Equal(local.UtcDateTime.Ticks - (local.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond), stored.UtcTicks);
    }

    [Fact]
    public async Task NullsAndEmptyCollectionsRoundTrip()
    {
        var job = Job(1) with { WorkingDirectory = null, StartedAt = null, FinishedAt = null, Command = ["true"] };
        var subjob = Subjob(1, 0) with { Host = null, Pid = null, ExitCode = null, Error = null };
        await CommitAsync(c =>
        {
            c.Jobs.Add(job);
            c.Subjobs.Add(subjob);
            c.Workers.Add(new WorkerRecord("bare", Amounts(), "unreachable", null, 0));
        });

        var loaded = await Store.Scheduler.LoadAsync(Cancel);

        AssertStored(job with { Version = 1 }, loaded.UnfinishedJobs[0].Job);
        AssertStored(subjob with { Version = 1 }, loaded.UnfinishedJobs[0].Subjobs[0]);
        AssertStored(new WorkerRecord("bare", Amounts(), "unreachable", null, 1), Assert.Single(loaded.Workers));
    }

    [Fact]
    public async Task AnUpdateAtTheStoredVersionMovesItOneVersionOn()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Subjobs.Add(Subjob(1, 0));
            c.Workers.Add(Worker("w1"));
        });

        var finished = Subjob(1, 0, "complete", version: 1, host: "w1") with { ExitCode = 3, Error = "exit 3", FinishedAt = At.AddMinutes(5) };
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "complete", version: 1));
            c.Subjobs.Add(finished);
            c.Workers.Add(Worker("w1", "down", version: 1) with { Resources = Amounts(("host.processors", 2)) });
        });

        var details = (await Store.Jobs.FindJobAsync(1, Cancel))!;
        AssertStored(Job(1, "complete", version: 2), details.Job);
        AssertStored(finished with { Version = 2 }, Assert.Single(details.Subjobs));
        var loaded = await Store.Scheduler.LoadAsync(Cancel);
        AssertStored(Worker("w1", "down", version: 2) with { Resources = Amounts(("host.processors", 2)) }, Assert.Single(loaded.Workers));
    }

    [Theory]
    [InlineData("job")]
    [InlineData("subjob")]
    [InlineData("worker")]
    public async Task AStaleUpdateIsRefusedAndNothingElseInItsCommitIsWritten(string stale)
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Subjobs.Add(Subjob(1, 0));
            c.Workers.Add(Worker("w1"));
        });

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c =>
        {
            c.Jobs.Add(Job(2));
            c.Logs.Add(new LogChunkRecord(2, 0, 1, 1, [1, 2, 3]));
            c.AllocationChanges.Add(new AllocationChangeRecord(1, 0, 1, AllocationChangeKinds.Dispatch, "w1", Amounts(("host.processors", 1)), At));
            c.Jobs.Add(Job(1, "running", version: stale == "job" ? 5 : 1));
            c.Subjobs.Add(Subjob(1, 0, "running", version: stale == "subjob" ? 5 : 1, host: "w1"));
            c.Workers.Add(Worker("w1", "down", version: stale == "worker" ? 5 : 1));
        }));

        Assert.Contains("version 5", conflict.Message, StringComparison.Ordinal);
        var loaded = await Store.Scheduler.LoadAsync(Cancel);
        var job = Assert.Single(loaded.UnfinishedJobs);
        AssertStored(Job(1, version: 1), job.Job);
        AssertStored(Subjob(1, 0, version: 1), Assert.Single(job.Subjobs));
        Assert.Empty(job.History);
        AssertStored(Worker("w1", version: 1), Assert.Single(loaded.Workers));
        Assert.Equal(1, loaded.LastJobId);
        Assert.Empty(await ReadLogAsync(2, 0, 1));
    }

    [Fact]
    public async Task UpdatingARowThatWasNeverStoredIsAConflict()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Jobs.Add(Job(9, "running", version: 1))));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Workers.Add(Worker("ghost", version: 1))));
    }

    [Fact]
    public async Task InsertingARowThatExistsIsAConflict()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Subjobs.Add(Subjob(1, 0));
            c.Workers.Add(Worker("w1"));
        });

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Jobs.Add(Job(1))));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Subjobs.Add(Subjob(1, 0))));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Workers.Add(Worker("w1"))));
    }

    [Fact]
    public async Task OfTwoSupervisorsUpdatingTheSameVersionExactlyOneWins()
    {
        await CommitAsync(c => c.Jobs.Add(Job(1)));
        var first = Open();
        var second = Open();
        using var start = new Barrier(2);

        Task<bool> Race(IStorageBackend backend, string state) => Task.Run(async () =>
        {
            start.SignalAndWait(Cancel);
            try
            {
                await CommitAsync(backend, c => c.Jobs.Add(Job(1, state, version: 1)));
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        });

        var won = await Task.WhenAll(Race(first, "running"), Race(second, "killed"));

        Assert.Single(won, w => w);
        var stored = (await Store.Jobs.FindJobAsync(1, Cancel))!.Job;
        Assert.Equal((won[0] ? "running" : "killed", 2L), (stored.State, stored.Version));
    }

    [Fact]
    public async Task AnEmptyCommitWritesNothing()
    {
        await CommitAsync(_ => { });

        var loaded = await Store.Scheduler.LoadAsync(Cancel);
        Assert.Empty(loaded.UnfinishedJobs);
        Assert.Empty(loaded.Workers);
    }

    [Fact]
    public async Task FinishedJobsAreNotLoadedButTheCountersStillCoverThem()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "running"));
            c.Subjobs.Add(Subjob(1, 0, "running", host: "w1"));
            c.Jobs.Add(Job(2, "complete"));
            c.Subjobs.Add(Subjob(2, 3, "complete"));
            c.Jobs.Add(Job(3, "pending"));
            c.Jobs.Add(Job(4, "killed"));
            c.Jobs.Add(Job(5, "failed"));
        });

        var loaded = await Store.Scheduler.LoadAsync(Cancel);

        Assert.Equal([1L, 3L], loaded.UnfinishedJobs.Select(j => j.Job.Id));
        Assert.Equal((5L, 203L), (loaded.LastJobId, loaded.LastSequence));
    }

    [Fact]
    public async Task AllocationHistoryKeepsItsOrderAcrossCommits()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "running"));
            c.AllocationChanges.Add(new AllocationChangeRecord(1, 0, 1, AllocationChangeKinds.Dispatch, "w1", Amounts(("host.processors", 2)), At));
        });
        for (var processors = 3; processors <= 6; processors++)
        {
            var amount = processors;
            await CommitAsync(c => c.AllocationChanges.Add(
                new AllocationChangeRecord(1, 0, 1, AllocationChangeKinds.Grow, "w1", Amounts(("host.processors", amount)), At.AddSeconds(amount))));
        }

        var history = (await Store.Jobs.FindJobAsync(1, Cancel))!.History;

        Assert.Equal([2, 3, 4, 5, 6], history.Select(h => h.Allocations["host.processors"]));
        Assert.Equal(["dispatch", "grow", "grow", "grow", "grow"], history.Select(h => h.Kind));
    }

    [Fact]
    public async Task ALargeCycleCommitsAndLoadsBackWhole()
    {
        const int Jobs = 300, SubjobsEach = 4;
        await CommitAsync(c =>
        {
            for (var id = 1; id <= Jobs; id++)
            {
                c.Jobs.Add(Job(id));
                for (var index = 0; index < SubjobsEach; index++)
                {
                    c.Subjobs.Add(Subjob(id, index));
                    c.Logs.Add(new LogChunkRecord(id, index, 1, 1, new byte[64]));
                }
            }
        });

        var loaded = await Store.Scheduler.LoadAsync(Cancel);

        Assert.Equal(Jobs, loaded.UnfinishedJobs.Count);
        Assert.All(loaded.UnfinishedJobs, j => Assert.Equal(SubjobsEach, j.Subjobs.Count));
        Assert.Equal(Enumerable.Range(1, Jobs).Select(i => (long)i), loaded.UnfinishedJobs.Select(j => j.Job.Id));
    }
}
