using System.Threading.Channels;
using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Supervisor.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The scheduling loop's inbox, apart from the loop so that what posts to it (the warm pool's instance work among
/// others) does not depend on the loop, which depends on it in turn. Any thread posts; only the loop takes, and once
/// it is closed a command fails at once, so no caller waits for a loop that has stopped.
/// </summary>
public sealed class SchedulerInbox : IInstanceWorkRequests
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Channel<SchedulerCommand> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<SchedulerCommand>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    /// <summary>Queues <paramref name="command"/>; once the loop has ended it fails at once instead of waiting forever.</summary>
    internal void Post(SchedulerCommand command)
    {
        if (!Channel.Writer.TryWrite(command))
        {
            command.Fail(new OperationCanceledException("the supervisor is stopping"));
        }
    }

    void IInstanceWorkRequests.Submit(IReadOnlyList<AlgorithmInstance> instances) => Post(new InstanceWorkCommand(instances, null));

    void IInstanceWorkRequests.Release(string instanceId) => Post(new InstanceWorkCommand([], instanceId));

    void IInstanceWorkRequests.Nudge() => Post(new InstanceWorkCommand([], null));

    /// <summary>Published by the loop with each new cluster view; read by calls without a trip through the loop.</summary>
    public QuotaSnapshot Quotas { get; internal set; } = QuotaSnapshot.Empty;

    internal bool TryTake(out SchedulerCommand command) => Channel.Reader.TryRead(out command!);

    /// <summary>Completes once the inbox is closed: the supervisor is stopping, so the loop waits for nothing more.</summary>
    internal Task Closed => _closed.Task;

    /// <summary>No new commands are taken; those already queued can still be.</summary>
    internal void Close()
    {
        Channel.Writer.TryComplete();
        _closed.TrySetResult();
    }

    /// <summary>Closes the inbox and fails every command still in it: nothing will take them.</summary>
    internal void CloseAndFail(Exception error)
    {
        Close();
        while (Channel.Reader.TryRead(out var command))
        {
            command.Fail(error);
        }
    }

    /// <summary>Waits for a command or until <paramref name="wake"/>, whichever comes first; false when the inbox is closed and empty.</summary>
    internal async Task<bool> WaitAsync(Func<DateTimeOffset?> wake, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Channel.Reader.TryPeek(out _))
        {
            return true;
        }

        // Asked only now: while commands keep coming the loop never computes when it would wake.
        var at = wake();
        if (at is null)
        {
            return await Channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
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
            return await Channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
