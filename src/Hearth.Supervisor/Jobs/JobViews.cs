using Hearth.Protocol.Rest;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>From stored records to the API's views.</summary>
internal static class JobViews
{
    public static JobView From(JobDetails details)
    {
        var job = details.Job;
        var history = details.History.ToLookup(h => h.Index);
        var controls = job.Controls;
        return new JobView(
            job.Id, job.Name, job.State, job.Command, job.Reservations, job.Priority, job.Cpus, job.WorkingDirectory,
            job.SubmittedAt, job.StartedAt, job.FinishedAt,
            JobAccess.Show(job.SubmittedBy),
            [.. details.Subjobs.Select(s => new SubjobView(
                s.Index, s.State, s.Host, s.Allocations, s.ExitCode, s.Error, s.Attempt, s.Pid, s.StartedAt, s.FinishedAt,
                [.. history[s.Index].Select(h => new AllocationChangeView(h.Attempt, h.Kind, h.Host, h.Allocations, h.At))],
                [.. (s.Tries?.Attempts ?? []).Select(a => new AttemptView(a.Attempt, a.Outcome, a.Host, a.ExitCode, a.Error, a.StartedAt, a.At))],
                s.Tries?.Requeues ?? 0,
                s.State == JobStates.Pending ? s.Tries?.RetryAt : null))],
            Retries: controls?.Retries ?? 0,
            RetryDelaySeconds: (controls?.RetryDelayMs ?? 0) / 1000.0,
            WaitFor: controls?.DependsOn ?? [],
            WaitingFor: controls?.Waiting ?? [],
            Requirements: job.Requirements,
            Changes: [.. (job.Changes ?? []).Select(c => new JobChangeView(c.Field, c.From, c.To, c.By, c.At))]);
    }

    public static JobSummaryView Summary(JobRecord job) =>
        new(job.Id, job.Name, job.State, job.Priority, job.Cpus, job.Reservations, job.SubmittedAt, job.StartedAt, job.FinishedAt, JobAccess.Show(job.SubmittedBy));
}
