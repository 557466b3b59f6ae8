using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for agenda jobs and their work items; subclassed once per backend.</summary>
public abstract class FrameStoreContract(TestStores stores) : StorageContract(stores)
{
    private static readonly AgendaRecord Agenda = new(7, "1-10x3,-2", 2, 4, "binary", 3, 1500, 5);

    [Fact]
    public async Task AnAgendaAndItsItemsLoadBackWithTheUnfinishedJobAndUpdatesNeedTheVersionRead()
    {
        var attempt = new ItemAttemptRecord(1, "failed", 0, 3, "w1", 2, null, AtMs, AtMs.AddSeconds(1));
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(7));
            c.Agendas.Add(Agenda);
            c.WorkItems.Add(Item(0, "-2-1", "pending"));
            c.WorkItems.Add(Item(1, "4-7", "running") with
            {
                Subjob = 1, Run = 4, Host = "w2", Attempt = 2, StartedAt = At, Tries = new WorkItemTriesRecord(1, 0, "w1", null, [attempt]),
            });
            c.WorkItems.Add(Item(2, "10", "complete") with { ExitCode = 0, FinishedAt = At });
        });

        var loaded = Assert.Single((await Open().Scheduler.LoadAsync(Cancel)).Agendas!);
        Assert.Equal(Agenda, loaded.Agenda);
        Assert.Equal(["-2-1", "4-7", "10"], loaded.Items.Select(i => i.Name));
        var running = loaded.Items[1];
        Assert.Equal((1, 4, "w2", 2, (DateTimeOffset?)AtMs), (running.Subjob, running.Run, running.Host, running.Attempt, running.StartedAt));
        Assert.Equal(attempt, Assert.Single(running.Tries!.Attempts));
        Assert.Equal((1, "w1"), (running.Tries.Retried, running.Tries.AvoidHost));

        await CommitAsync(c => c.WorkItems.Add(running with { State = "complete", ExitCode = 0, FinishedAt = At, Version = 1 }));
        var stale = running with { State = "failed", Version = 1 };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.WorkItems.Add(stale)));

        var counts = await Store.Frames.CountItemsAsync(7, Cancel);
        Assert.Equal(new Dictionary<string, int> { ["pending"] = 1, ["complete"] = 2 }, counts);
    }

    [Fact]
    public async Task ItemsAreReadAPageAtATimeByStateAndOneByOne()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(7));
            c.Agendas.Add(Agenda);
            for (var i = 0; i < 5; i++)
            {
                c.WorkItems.Add(Item(i, $"{i}", i % 2 == 0 ? "pending" : "failed"));
            }
        });

        Assert.Equal(Agenda, await Store.Frames.FindAgendaAsync(7, Cancel));
        Assert.Null(await Store.Frames.FindAgendaAsync(8, Cancel));
        Assert.Equal([2, 3], (await Store.Frames.ListItemsAsync(7, null, 1, 2, Cancel)).Select(i => i.Index));
        Assert.Equal([0, 2, 4], (await Store.Frames.ListItemsAsync(7, "pending", -1, 100, Cancel)).Select(i => i.Index));
        Assert.Equal("3", (await Store.Frames.FindItemAsync(7, 3, Cancel))!.Name);
        Assert.Null(await Store.Frames.FindItemAsync(7, 9, Cancel));
    }

    [Fact]
    public async Task AnEndedAgendaJobIsNotLoaded()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(7, "complete"));
            c.Agendas.Add(Agenda);
            c.WorkItems.Add(Item(0, "1", "complete"));
        });

        Assert.Empty((await Store.Scheduler.LoadAsync(Cancel)).Agendas!);
    }

    private static WorkItemRecord Item(int index, string name, string state)
    {
        var parts = name.StartsWith('-') ? name[1..].Split('-') : name.Split('-');
        var first = int.Parse(name.StartsWith('-') ? "-" + parts[0] : parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var last = parts.Length > 1 ? int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture) : first;
        return new WorkItemRecord(7, index, name, first, last, name, state, state == "pending" ? 0 : 1, null, null, null, null, null, null, null, 0);
    }
}
