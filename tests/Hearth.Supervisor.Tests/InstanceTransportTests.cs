using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// Which worker session the warm pool's messages go to while workers connect, get refused and go away: the one the
/// loop accepted, as it publishes them after each commit.
/// </summary>
public sealed class InstanceTransportTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<WorkerSession> _sessions = [];
    private readonly WorkerSessions _published = new();
    private readonly SchedulerState _state;
    private readonly InstanceTransport _transport;

    public InstanceTransportTests()
    {
        _state = new SchedulerState(_time, new SchedulerSettings(TimeSpan.FromSeconds(30), new Dictionary<ResourceName, int>()));
        _transport = new InstanceTransport(_published, new InstanceKeys(), new BuildGrants());
    }

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }

    private WorkerSession Session(string name, string incarnation)
    {
        var session = new WorkerSession(name) { Incarnation = incarnation };
        _sessions.Add(session);
        return session;
    }

    /// <summary>One loop cycle around one step: the step, then what the loop does after its commit.</summary>
    private void Cycle(Action<CycleEffects> step)
    {
        var fx = new CycleEffects();
        try
        {
            step(fx);
        }
        finally
        {
            foreach (var session in fx.SessionsToClose)
            {
                session.Close();
            }

            _published.Publish(_state.Workers);
        }
    }

    private void Connect(WorkerSession session) =>
        Cycle(fx => _state.Connect(session, new Register { Name = session.Name, Incarnation = session.Incarnation, Resources = { ["host.processors"] = 1 } }, fx));

    private static List<long> CallIds(WorkerSession session)
    {
        var ids = new List<long>();
        while (session.Outgoing.TryRead(out var message))
        {
            if (message.BodyCase == SupervisorMessage.BodyOneofCase.CallInstance)
            {
                ids.Add(message.CallInstance.CallId);
            }
        }

        return ids;
    }

    private bool Call(long callId) => _transport.Call("w1", "instance-1", callId, new byte[] { 1 }, TimeSpan.FromSeconds(5));

    [Fact]
    public void ALiveSessionKeepsReceivingWhileAnotherIncarnationUnderItsNameIsRefused()
    {
        var live = Session("w1", "first");
        Connect(live);

        var intruder = Session("w1", "second");
        Assert.Throws<WorkerNameTakenException>(() => Connect(intruder));
        Assert.True(Call(1));
        Cycle(fx => _state.Disconnect(intruder, fx));
        Assert.True(Call(2));

        Assert.Equal([1, 2], CallIds(live));
        Assert.Empty(CallIds(intruder));
    }

    [Fact]
    public void TheLiveSessionGoingAwayLeavesNoDeadSessionBehindAndLetsAnotherIncarnationIn()
    {
        var live = Session("w1", "first");
        Connect(live);

        Cycle(fx => _state.Disconnect(live, fx));
        Assert.False(Call(1));

        var next = Session("w1", "second");
        Connect(next);
        Assert.True(Call(2));
        Assert.Equal([2], CallIds(next));
        Assert.Empty(CallIds(live));
    }

    [Theory]
    [InlineData("first", "first")]
    [InlineData("", "second")]
    [InlineData("first", "")]
    public void TheSameProcessReconnectingReplacesItsOldSession(string oldIncarnation, string newIncarnation)
    {
        var old = Session("w1", oldIncarnation);
        Connect(old);
        Assert.True(Call(1));

        var reconnected = Session("w1", newIncarnation);
        Connect(reconnected);
        Assert.True(old.Closed.IsCancellationRequested, "the old session was not closed");
        Assert.True(Call(2));
        // The old stream's end reaches the loop late, and changes nothing.
        Cycle(fx => _state.Disconnect(old, fx));
        Assert.True(Call(3));

        Assert.Equal([1], CallIds(old));
        Assert.Equal([2, 3], CallIds(reconnected));
    }

    [Fact]
    public void NothingIsSentToAWorkerTheLoopHasNotAccepted()
    {
        Assert.False(Call(1));
        var session = Session("w1", "first");
        Assert.Throws<WorkerRejectedException>(() => Cycle(fx => _state.Connect(session, new Register { Name = "w1", Incarnation = "first", Resources = { ["bogus resource!"] = 1 } }, fx)));
        Assert.False(Call(2));
        Assert.Empty(CallIds(session));
    }
}
