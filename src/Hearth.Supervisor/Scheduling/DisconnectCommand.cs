using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker's stream ended; nobody waits for it.</summary>
internal sealed record DisconnectCommand(WorkerSession Session) : SchedulerCommand
{
    public override bool Run(SchedulerState state, CycleEffects fx, ILogger log)
    {
        state.Disconnect(Session, fx);
        return false;
    }
}
