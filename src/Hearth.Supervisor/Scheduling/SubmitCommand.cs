using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Queues a job; answers with its ID.</summary>
internal sealed record SubmitCommand(JobSubmission Submission, TaskCompletionSource<long> Reply) : AnsweredCommand<long>(Reply)
{
    protected override long Execute(SchedulerState state, CycleEffects fx, ILogger log) => state.Submit(Submission, fx).Id;
}
