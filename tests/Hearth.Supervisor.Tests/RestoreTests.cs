using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>A restarted supervisor waits to hear from the workers it knew before deciding to start anything new.</summary>
public sealed class RestoreTests
{
    private static StoredCluster Stored(params (string Name, string State)[] workers) => new(
        [.. workers.Select(w => new WorkerRecord(w.Name, new Dictionary<string, int> { ["host.processors"] = 2 }, w.State, DateTimeOffset.UnixEpoch, 3))],
        [], 0, 0);

    [Fact]
    public void ARestoredSupervisorAwaitsEveryWorkerThatWasAliveUntilItReconnects()
    {
        var h = new SchedulerHarness();
        h.State.Restore(Stored(("w1", "up"), ("w2", "unreachable"), ("gone", "down")), h.Next());

        Assert.True(h.State.AwaitingWorkers);
        Assert.Equal(["w1", "w2"], h.State.Returning.Order());
        h.Connect("w2", 2);
        Assert.Equal(["w1"], h.State.Returning);
        h.Connect("w1", 2);
        Assert.False(h.State.AwaitingWorkers);
    }

    [Fact]
    public void AWorkerThatNeverReturnsStopsBeingAwaitedAtTheHeartbeatTimeoutAndFencingMargin()
    {
        var h = new SchedulerHarness();
        h.State.Restore(Stored(("w1", "up")), h.Next());

        h.Time.Advance(SchedulerHarness.Expiry - TimeSpan.FromSeconds(1));
        h.State.ExpireWorkers(h.Next());
        Assert.True(h.State.AwaitingWorkers);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.State.ExpireWorkers(h.Next());

        Assert.False(h.State.AwaitingWorkers);
    }

    [Fact]
    public void AFreshSupervisorAwaitsNobody()
    {
        var h = new SchedulerHarness();
        h.State.Restore(Stored(), h.Next());

        Assert.False(h.State.AwaitingWorkers);
    }
}
