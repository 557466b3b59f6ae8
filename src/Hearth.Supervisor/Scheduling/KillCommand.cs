using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Kills a job: pending subjobs at once, running ones by asking their workers.</summary>
internal sealed record KillCommand(long JobId, TaskCompletionSource<KillOutcome> Reply) : AnsweredCommand<KillOutcome>(Reply)
{
    public override bool Replayable => true;

    protected override KillOutcome Execute(SchedulerState state, CycleEffects fx, ILogger log) => state.Kill(JobId, fx);
}
