using System.Threading.Channels;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The scheduling loop's inbox, apart from the loop so that what posts to it (the warm pool's instance work among
/// others) does not depend on the loop, which depends on it in turn. One reader: the loop.
/// </summary>
public sealed class SchedulerInbox : IInstanceWorkRequests
{
    internal Channel<SchedulerCommand> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<SchedulerCommand>(
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
}
