using System.Threading.Channels;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// One connection of one worker: the messages queued for it and a way to end it. The scheduler only queues;
/// the connection's own writer sends, so a slow worker never stalls the loop.
/// </summary>
public sealed class WorkerSession : IDisposable
{
    private static long s_next;
    private readonly Channel<SupervisorMessage> _outbox = Channel.CreateUnbounded<SupervisorMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly CancellationTokenSource _closed = new();

    public WorkerSession(string name)
    {
        Name = name;
        Id = Interlocked.Increment(ref s_next);
    }

    public string Name { get; }

    /// <summary>The worker process's random incarnation ID, empty if it sent none.</summary>
    public string Incarnation { get; init; } = "";

    /// <summary>Where the connection comes from, e.g. <c>127.0.0.1:51234</c>.</summary>
    public string Peer { get; init; } = "";

    public long Id { get; }

    public ChannelReader<SupervisorMessage> Outgoing => _outbox.Reader;

    /// <summary>Cancelled when the supervisor ends this connection (replaced, or the worker was declared down).</summary>
    public CancellationToken Closed => _closed.Token;

    public bool Send(SupervisorMessage message) => _outbox.Writer.TryWrite(message);

    public void Close()
    {
        _outbox.Writer.TryComplete();
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed and disposed: nothing left to end.
        }
    }

    public void Dispose()
    {
        Close();
        _closed.Dispose();
    }

    public override string ToString() => $"{Name}#{Id}";
}
