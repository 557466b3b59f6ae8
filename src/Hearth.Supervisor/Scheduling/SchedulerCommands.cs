using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Something for the scheduling loop to do. Replies are completed only after the cycle's writes commit.</summary>
internal abstract record SchedulerCommand;

internal sealed record SubmitCommand(JobSubmission Submission, TaskCompletionSource<long> Reply) : SchedulerCommand;

internal sealed record KillCommand(long JobId, TaskCompletionSource<KillOutcome> Reply) : SchedulerCommand;

internal sealed record ConnectCommand(WorkerSession Session, Register Register, TaskCompletionSource Reply) : SchedulerCommand;

internal sealed record WorkerEventCommand(WorkerSession Session, WorkerMessage Message) : SchedulerCommand;

internal sealed record DisconnectCommand(WorkerSession Session) : SchedulerCommand;

internal sealed record RemoveWorkerCommand(string Name, TaskCompletionSource<bool> Reply) : SchedulerCommand;

internal sealed record AuditCommand(TaskCompletionSource<LedgerAuditView> Reply) : SchedulerCommand;
