using System.Threading.Channels;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The loop's queue of commands: any thread posts, only the loop takes. Once it is closed a command fails at once,
/// so no caller waits for a loop that has stopped.
/// </summary>
internal sealed class CommandInbox(TimeProvider time)
{
    private readonly Channel<SchedulerCommand> _channel = Channel.CreateUnbounded<SchedulerCommand>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    public void Post(SchedulerCommand command)
    {
        if (!_channel.Writer.TryWrite(command))
        {
            command.Fail(new OperationCanceledException("the supervisor is stopping"));
        }
    }

    public bool TryTake(out SchedulerCommand command) => _channel.Reader.TryRead(out command!);

    /// <summary>No new commands are taken; those already queued can still be.</summary>
    public void Close() => _channel.Writer.TryComplete();

    /// <summary>Closes the inbox and fails every command still in it: nothing will take them.</summary>
    public void CloseAndFail(Exception error)
    {
        Close();
        while (_channel.Reader.TryRead(out var command))
        {
            command.Fail(error);
        }
    }

    /// <summary>Waits for a command or until <paramref name="wake"/>, whichever comes first; false when the inbox is closed and empty.</summary>
    public async Task<bool> WaitAsync(Func<DateTimeOffset?> wake, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryPeek(out _))
        {
            return true;
        }

        // Asked only now: while commands keep coming the loop never computes when it would wake.
        var at = wake();
        if (at is null)
        {
            return await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var delay = at.Value - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
