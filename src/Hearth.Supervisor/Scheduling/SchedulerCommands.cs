using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Something for the scheduling loop to do. Replies are completed only after the cycle's writes commit. Each command
/// carries its own failure: a command that throws fails its caller, never the loop.
/// </summary>
internal abstract record SchedulerCommand
{
    /// <summary>Hands <paramref name="error"/> to the caller; false when nobody waits for this command.</summary>
    public virtual bool Fail(Exception error) => false;
}

/// <summary>A command whose caller waits for <see cref="Reply"/>.</summary>
internal abstract record SchedulerCommand<T>(TaskCompletionSource<T> Reply) : SchedulerCommand
{
    public override bool Fail(Exception error)
    {
        Reply.TrySetException(error);
        return true;
    }
}

internal sealed record SubmitCommand(JobSubmission Submission, TaskCompletionSource<long> Reply) : SchedulerCommand<long>(Reply);

internal sealed record KillCommand(long JobId, TaskCompletionSource<KillOutcome> Reply) : SchedulerCommand<KillOutcome>(Reply);

internal sealed record ConnectCommand(WorkerSession Session, Register Register, TaskCompletionSource Reply) : SchedulerCommand
{
    public override bool Fail(Exception error)
    {
        Reply.TrySetException(error);
        return true;
    }
}

internal sealed record WorkerEventCommand(WorkerSession Session, WorkerMessage Message) : SchedulerCommand;

internal sealed record DisconnectCommand(WorkerSession Session) : SchedulerCommand;

internal sealed record RemoveWorkerCommand(string Name, TaskCompletionSource<bool> Reply) : SchedulerCommand<bool>(Reply);

internal sealed record AuditCommand(TaskCompletionSource<LedgerAuditView> Reply) : SchedulerCommand<LedgerAuditView>(Reply);
