using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Forgets a down worker; answers false when there is no such worker.</summary>
internal sealed record RemoveWorkerCommand(string Name, TaskCompletionSource<bool> Reply) : AnsweredCommand<bool>(Reply)
{
    public override bool Replayable => true;

    protected override bool Execute(SchedulerState state, CycleEffects fx, ILogger log) => state.RemoveWorker(Name, fx);
}
