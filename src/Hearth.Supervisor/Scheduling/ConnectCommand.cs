using Hearth.Protocol.Workers;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker registers; its caller waits until the registration is reconciled and stored.</summary>
internal sealed record ConnectCommand(WorkerSession Session, Register Register, TaskCompletionSource<bool> Reply) : AnsweredCommand<bool>(Reply)
{
    protected override bool Execute(SchedulerState state, CycleEffects fx, ILogger log)
    {
        state.Connect(Session, Register, fx);
        Scheduler.LogWorkerConnected(log, Session.Name, Register.Processes.Count);
        return true;
    }
}
