using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// The supervisor's half of fencing: it tells workers its timeout, confirms only the heartbeats it counted, and
/// requeues a silent worker's work a margin after the timeout, never at it.
/// </summary>
public sealed class FencingTimeTests
{
    [Fact]
    public void RegistrationTellsTheWorkerTheHeartbeatTimeoutAndTheFencingMargin()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);

        var registered = Assert.Single(h.Effects.Messages, m => m.Message.BodyCase == SupervisorMessage.BodyOneofCase.Registered).Message.Registered;
        Assert.Equal((30_000, 7_500, 7_500), (registered.HeartbeatTimeoutMs, registered.FenceMarginMs, registered.HeartbeatIntervalMs));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(30, 7.5)]
    [InlineData(120, 10)]
    public void TheMarginIsAQuarterOfTheTimeoutBetweenTwoAndTenSeconds(double timeoutSeconds, double marginSeconds)
    {
        var settings = new SchedulerSettings(TimeSpan.FromSeconds(timeoutSeconds), new Dictionary<Hearth.Core.Resources.ResourceName, int>());

        Assert.Equal(TimeSpan.FromSeconds(marginSeconds), settings.FenceMargin);
        Assert.Equal(TimeSpan.FromSeconds(timeoutSeconds + marginSeconds), settings.WorkerExpiry);
    }

    [Fact]
    public void AHeartbeatIsConfirmedWithItsSequenceAfterItIsCounted()
    {
        var h = new SchedulerHarness();
        var session = h.Connect("w1", 1);
        h.Time.Advance(TimeSpan.FromSeconds(20));

        h.State.Heartbeat(session, new Heartbeat { Sequence = 7 }, h.Next());

        var ack = Assert.Single(h.Effects.Messages);
        Assert.Equal((session, 7L), (ack.Session, ack.Message.HeartbeatAck.Sequence));
        Assert.Equal(h.Time.GetUtcNow() + SchedulerHarness.Expiry, h.State.NextExpiry());
    }

    [Fact]
    public void AHeartbeatOnASessionAlreadyGivenUpIsNotConfirmed()
    {
        var h = new SchedulerHarness();
        var old = h.Connect("w1", 1);
        h.Submit();
        h.Place();
        h.Time.Advance(SchedulerHarness.Expiry);
        h.State.ExpireWorkers(h.Next());

        h.State.Heartbeat(old, new Heartbeat { Sequence = 3 }, h.Next());

        Assert.Empty(h.Effects.Messages);
        Assert.Equal(WorkerStatus.Down, h.State.Workers["w1"].Status);
    }

    [Fact]
    public void ASilentWorkersWorkStaysAssignedThroughTheTimeoutAndIsRequeuedOnlyAfterTheMargin()
    {
        var h = new SchedulerHarness();
        h.Connect("w1", 1);
        var job = h.Submit();
        h.Place();

        h.Time.Advance(SchedulerHarness.Timeout);
        h.State.ExpireWorkers(h.Next());
        Assert.Equal((WorkerStatus.Up, WorkState.Running), (h.State.Workers["w1"].Status, job.Subjobs[0].State));

        h.Time.Advance(SchedulerHarness.Expiry - SchedulerHarness.Timeout);
        h.State.ExpireWorkers(h.Next());
        Assert.Equal((WorkerStatus.Down, WorkState.Pending), (h.State.Workers["w1"].Status, job.Subjobs[0].State));
    }
}
