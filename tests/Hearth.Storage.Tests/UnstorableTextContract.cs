using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>
/// Text that one backend would refuse (PostgreSQL cannot hold a NUL; a lone surrogate is not text, which SQLite would
/// quietly replace) is refused alike by every backend, before the batch is sent: nothing of it is written, and the
/// store takes the next batch as if nothing happened. Subclassed once per backend.
/// </summary>
public abstract class UnstorableTextContract(TestStores stores) : StorageContract(stores)
{
    // Looked up by name: the test runner's own serialization would trip over the values themselves.
    private static readonly Dictionary<string, string> Unstorable = new()
    {
        ["a NUL"] = "x\0",
        ["a lone high surrogate"] = "a\uD800b",
        ["a lone low surrogate"] = "\uDC00",
    };

    public static TheoryData<string> Values => [.. Unstorable.Keys];

    [Theory]
    [MemberData(nameof(Values))]
    public async Task AJobNameThatNoBackendKeepsIsRefusedAndNothingOfItsBatchIsWritten(string what)
    {
        var name = Unstorable[what];
        var refused = await Assert.ThrowsAsync<UnstorableValueException>(() => CommitAsync(c => c.Jobs.AddRange([Job(1), Job(2) with { Name = name }])));

        Assert.Contains("no store keeps it", refused.Message, StringComparison.Ordinal);
        Assert.True((await Open().Scheduler.LoadAsync(Cancel)).UnfinishedJobs.Count == 0, what);
        await CommitAsync(c => c.Jobs.Add(Job(1)));
        Assert.Equal([1L], (await Open().Scheduler.LoadAsync(Cancel)).UnfinishedJobs.Select(j => j.Job.Id));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task RequirementsAndCommandArgumentsThatNoBackendKeepsAreRefused(string what)
    {
        var text = Unstorable[what];
        await Assert.ThrowsAsync<UnstorableValueException>(() => CommitAsync(c => c.Jobs.Add(Job(1) with { Requirements = text })));
        await Assert.ThrowsAsync<UnstorableValueException>(() => CommitAsync(c => c.Jobs.Add(Job(1) with { Command = ["echo", text] })));

        Assert.True((await Open().Scheduler.LoadAsync(Cancel)).UnfinishedJobs.Count == 0, what);
    }

    [Fact]
    public async Task ControlCharactersThatEveryBackendKeepsRoundTrip()
    {
        var name = "tab\there, bell\a, escape\u001b[0m and a pair \U0001F600";
        await CommitAsync(c => c.Jobs.Add(Job(1) with { Name = name, Command = ["printf", "a\nb"] }));

        var stored = (await Open().Jobs.FindJobAsync(1, Cancel))!.Job;

        Assert.Equal((name, "a\nb"), (stored.Name, stored.Command[1]));
    }
}
