namespace Hearth.Supervisor.Scheduling;

/// <summary>A farm control for the loop: it runs on the loop's state, and its answer is given once the cycle commits.</summary>
internal sealed record FarmCommand(Func<SchedulerState, CycleEffects, object> Run, TaskCompletionSource<object> Reply) : SchedulerCommand<object>(Reply);
