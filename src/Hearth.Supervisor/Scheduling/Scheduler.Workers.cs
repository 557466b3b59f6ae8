using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The worker streams' and the admin's side of the loop: connections, their messages, removal.</summary>
public sealed partial class Scheduler
{
    /// <summary>Registers a connection; completes once the worker's registration is reconciled and stored, or throws <see cref="WorkerRejectedException"/>.</summary>
    public Task ConnectAsync(WorkerSession session, Register register)
    {
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ConnectCommand(session, register, reply));
        return reply.Task;
    }

    public void Receive(WorkerSession session, WorkerMessage message) => Post(new WorkerEventCommand(session, message));

    public void Disconnected(WorkerSession session) => Post(new DisconnectCommand(session));

    /// <summary>Forgets a down worker: true if removed, false if unknown; throws <see cref="WorkerRemovalRefusedException"/> while it is up or holds work.</summary>
    public Task<bool> RemoveWorkerAsync(string name)
    {
        var reply = NewReply<bool>();
        Post(new RemoveWorkerCommand(name, reply));
        return reply.Task;
    }
}
