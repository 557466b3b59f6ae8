using Hearth.Supervisor.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Supervisor.Tests;

/// <summary>A real SQLite store in a throwaway directory, on a fake clock, for tests that run the scheduling loop itself.</summary>
public abstract class LoopStoreFixture : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hearth-loop-");

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected SqliteBackend Backend { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Backend = SqliteBackend.InDirectory(_directory.FullName, Time);
        await Backend.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        _directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected static async Task<T> WithinBound<T>(Task<T> task, string what)
    {
        var done = await Task.WhenAny(task, Task.Delay(Bound, TestContext.Current.CancellationToken));
        Assert.True(done == task, $"timed out waiting for {what}");
        return await task;
    }
}
