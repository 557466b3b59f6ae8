using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Queues a job; answers with its ID.</summary>
internal sealed record SubmitCommand(JobSubmission Submission, TaskCompletionSource<long> Reply) : AnsweredCommand<long>(Reply)
{
    public override bool Replayable => true;

    protected override long Execute(SchedulerState state, CycleEffects fx, ILogger log)
    {
        // Checked before anything changes: text no store keeps fails this command, never the cycle's commit.
        Submission.CheckStorable();
        return state.Submit(Submission, fx).Id;
    }
}
