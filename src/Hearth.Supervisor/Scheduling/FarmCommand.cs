using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A farm control for the loop: it runs on the loop's state, and its answer is given once the cycle commits.</summary>
internal sealed record FarmCommand<T>(Func<SchedulerState, CycleEffects, T> Control, TaskCompletionSource<T> Reply) : AnsweredCommand<T>(Reply)
{
    public override bool Replayable => true;

    protected override T Execute(SchedulerState state, CycleEffects fx, ILogger log) => Control(state, fx);
}
