using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Supervisor.Tests;

/// <summary>Which worker session the warm pool's messages go to while workers connect, get refused and go away.</summary>
public sealed class InstanceBridgeTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private readonly List<WorkerSession> _sessions = [];

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        _services.Dispose();
    }

    private WorkerSession Session(string name, string incarnation)
    {
        var session = new WorkerSession(name) { Incarnation = incarnation };
        _sessions.Add(session);
        return session;
    }

    private static List<long> CallIds(WorkerSession session)
    {
        var ids = new List<long>();
        while (session.Outgoing.TryRead(out var message))
        {
            ids.Add(message.CallInstance.CallId);
        }

        return ids;
    }

    private static bool Call(InstanceBridge bridge, long callId) =>
        bridge.Call("w1", "instance-1", callId, new byte[] { 1 }, TimeSpan.FromSeconds(5));

    [Fact]
    public void ALiveSessionKeepsReceivingWhileAnotherIncarnationUnderItsNameIsRefused()
    {
        var bridge = new InstanceBridge(_services);
        var live = Session("w1", "first");
        bridge.Connected(live);
        bridge.Accepted(live);

        var intruder = Session("w1", "second");
        bridge.Connected(intruder);
        Assert.True(Call(bridge, 1));
        bridge.Disconnected(intruder);
        Assert.True(Call(bridge, 2));

        Assert.Equal([1, 2], CallIds(live));
        Assert.Empty(CallIds(intruder));
    }

    [Fact]
    public void TheLiveSessionGoingAwayWhileAnotherIncarnationWaitsLeavesNoDeadSessionBehind()
    {
        var bridge = new InstanceBridge(_services);
        var live = Session("w1", "first");
        bridge.Connected(live);
        bridge.Accepted(live);

        var intruder = Session("w1", "second");
        bridge.Connected(intruder);
        bridge.Disconnected(live);
        Assert.False(Call(bridge, 1));

        // The loop saw the live one go first and accepted the newcomer: it is the worker's from then on.
        bridge.Accepted(intruder);
        Assert.True(Call(bridge, 2));
        Assert.Equal([2], CallIds(intruder));
        Assert.Empty(CallIds(live));
    }

    [Theory]
    [InlineData("first", "first")]
    [InlineData("", "second")]
    [InlineData("first", "")]
    public void TheSameProcessReconnectingReplacesItsOldSession(string oldIncarnation, string newIncarnation)
    {
        var bridge = new InstanceBridge(_services);
        var old = Session("w1", oldIncarnation);
        bridge.Connected(old);
        bridge.Accepted(old);

        var reconnected = Session("w1", newIncarnation);
        bridge.Connected(reconnected);
        Assert.True(Call(bridge, 1));
        bridge.Disconnected(old);
        bridge.Accepted(reconnected);
        Assert.True(Call(bridge, 2));

        Assert.Equal([1, 2], CallIds(reconnected));
        Assert.Empty(CallIds(old));
    }
}
