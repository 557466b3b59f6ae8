using System.Text;
using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>What the job endpoints do: validate, hand writes to the scheduler, read from the store.</summary>
public sealed class JobService(Scheduler scheduler, IJobQueries queries, TimeProvider time, FrameService? frames = null)
{
    public const int MaxCpus = 10_000;
    public const int MaxListLimit = 10_000;

    /// <summary>
    /// Validates and queues a job; throws <see cref="InvalidRequestException"/> or <see cref="FieldTooLargeException"/>
    /// naming what is wrong, with nothing queued.
    /// </summary>
    public async Task<long> SubmitAsync(SubmitJobRequest request, JobAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        JobLimits.Check(request);
        if (request.Command is not { Count: > 0 } command || command.Any(string.IsNullOrEmpty) || string.IsNullOrWhiteSpace(command[0]))
        {
            throw new InvalidRequestException("command must be a non-empty list of arguments, e.g. [\"echo\", \"hi\"]");
        }

        ResourceRequest spec;
        try
        {
            spec = ResourceRequest.ParseOrDefault(request.Reservations);
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new InvalidRequestException($"invalid reservation: {e.Message}");
        }

        var priority = CheckPriority(request.Priority ?? WorkRequest.DefaultPriority);
        var requirements = ParseRequirements(request.Requirements);

        var cpus = request.Cpus ?? 1;
        if (cpus is < 1 or > MaxCpus)
        {
            throw new InvalidRequestException($"cpus {cpus} is out of range: 1 to {MaxCpus} subjobs");
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? JobLimits.DefaultName(command[0]) : request.Name.Trim();
        var controls = JobControlsParser.Parse(request);
        var agenda = AgendaRequests.Parse(request);
        var storedStates = await StoredStatesAsync(controls.DependsOn, access, CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await scheduler.SubmitAsync(
                    new JobSubmission(
                        name, [.. command], spec, priority, cpus, request.WorkingDirectory, access.Account, controls, storedStates, requirements, agenda))
                .ConfigureAwait(false);
        }
        catch (PriorityNotAllowedException e)
        {
            throw new InvalidRequestException(e.Message);
        }
        catch (PlacementException e)
        {
            throw new InvalidRequestException($"invalid reservation: {e.Message}");
        }
    }

    /// <summary>
    /// Changes a job as <see cref="ModifyJobRequest"/> says, each field validated as at submit. The job is null (and
    /// nothing changes) when there is no such job or <paramref name="access"/> may not see it; false when it has ended.
    /// </summary>
    public async Task<(bool Active, JobView? Job)> ModifyAsync(long id, ModifyJobRequest request, JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        if (request.Priority is null && request.Reservations is null && request.Requirements is null)
        {
            throw new InvalidRequestException("nothing to change: give priority, reservations or requirements");
        }

        int? priority = request.Priority is { } p ? CheckPriority(p) : null;
        ResourceRequest? spec = null;
        if (request.Reservations is { } reservations)
        {
            try
            {
                spec = ResourceRequest.Parse(reservations);
            }
            catch (ResourceRequestSyntaxException e)
            {
                throw new InvalidRequestException($"invalid reservation: {e.Message}");
            }
        }

        var requirements = request.Requirements is null ? null : ParseRequirements(request.Requirements);
        if (await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false) is null)
        {
            return (false, null);
        }

        bool active;
        try
        {
            active = await scheduler.ModifyJobAsync(id, new JobModification(priority, spec, request.Requirements is not null, requirements, access.Account))
                .ConfigureAwait(false);
        }
        catch (PlacementException e)
        {
            throw new InvalidRequestException($"invalid reservation: {e.Message}");
        }
        catch (PriorityNotAllowedException e)
        {
            throw new InvalidRequestException(e.Message);
        }

        return (active, await FindAsync(id, access, cancellationToken).ConfigureAwait(false));
    }

    private static int CheckPriority(int priority) =>
        priority is < 1 or > WorkRequest.DefaultPriority
            ? throw new InvalidRequestException($"priority {priority} is out of range: 1 (highest) to {WorkRequest.DefaultPriority} (lowest)")
            : priority;

    private static Requirement? ParseRequirements(string? text)
    {
        try
        {
            return Requirement.ParseOrNone(text);
        }
        catch (RequirementSyntaxException e)
        {
            throw new InvalidRequestException($"invalid requirements: {e.Message}");
        }
    }

    /// <summary>The job, or null when there is no such job or <paramref name="access"/> may not see it.</summary>
    public async Task<JobView?> FindAsync(long id, JobAccess access, CancellationToken cancellationToken)
    {
        if (await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false) is not { } details)
        {
            return null;
        }

        var view = JobViews.From(details);
        if (frames is not null)
        {
            view = await frames.AddToAsync(view, cancellationToken).ConfigureAwait(false);
        }

        return view with { PendingReason = PendingReasons.Explain(view, scheduler.View) };
    }

    /// <summary>The newest jobs <paramref name="access"/> may see.</summary>
    public async Task<JobListView> ListAsync(string? state, int? limit, long? before, JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (state is not null && !WorkStates.TryParse(state, out _))
        {
            throw new InvalidRequestException($"unknown state \"{state}\"; expected one of {string.Join(", ", JobStates.All)}");
        }

        var take = limit ?? 100;
        if (take is < 1 or > MaxListLimit)
        {
            throw new InvalidRequestException($"limit {take} is out of range: 1 to {MaxListLimit}");
        }

        var jobs = await queries.ListJobsAsync(new JobFilter(state, take, before, access.Visible), cancellationToken).ConfigureAwait(false);
        return new JobListView([.. jobs.Select(JobViews.Summary)]);
    }

    /// <summary>
    /// A page of the newest jobs in <paramref name="state"/> submitted by <paramref name="account"/> whose names hold
    /// <paramref name="name"/>, each filter skipped when null, for the admin: one indexed query, whatever the store holds.
    /// </summary>
    public async Task<IReadOnlyList<JobSummaryView>> SearchAsync(string? state, string? account, string? name, int limit, long? before, CancellationToken cancellationToken)
    {
        if (state is not null && !WorkStates.TryParse(state, out _))
        {
            throw new InvalidRequestException($"unknown state \"{state}\"; expected one of {string.Join(", ", JobStates.All)}");
        }

        var jobs = await queries.ListJobsAsync(new JobFilter(state, Math.Clamp(limit, 1, MaxListLimit), before, null, account, name), cancellationToken)
            .ConfigureAwait(false);
        return [.. jobs.Select(JobViews.Summary)];
    }

    /// <summary>
    /// The end of one subjob attempt's output, or what was written after chunk <paramref name="afterId"/>, for the admin;
    /// null when the job or subjob does not exist.
    /// </summary>
    public async Task<LogTail?> TailAsync(long id, int index, int? attempt, long afterId, CancellationToken cancellationToken)
    {
        // Read twice a second while a page follows it: the one subjob, not the whole job.
        if (await queries.FindSubjobAsync(id, index, cancellationToken).ConfigureAwait(false) is not { } subjob)
        {
            return null;
        }

        var which = attempt is { } a && a >= 1 && a <= subjob.Attempt ? a : subjob.Attempt;
        var chunks = await queries.ReadLogTailAsync(id, index, which, afterId, LogTail.MaxChunks, cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append(Encoding.UTF8.GetString(chunk.Data));
        }

        // An attempt has ended once a later one began or the subjob did; all of it is read once a read comes back short.
        var ended = (which < subjob.Attempt || JobStates.IsTerminal(subjob.State)) && (afterId < 0 || chunks.Count < LogTail.MaxChunks);
        return new LogTail(which, chunks.Count > 0 ? chunks[^1].Id : Math.Max(afterId, 0), text.ToString(), ended);
    }

    /// <summary>How many of the jobs <paramref name="access"/> may see are in each state.</summary>
    public async Task<JobCountsView> CountAsync(JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var counts = await queries.CountJobsByStateAsync(access.Visible, cancellationToken).ConfigureAwait(false);
        return new JobCountsView(JobStates.All.ToDictionary(s => s, s => counts.GetValueOrDefault(s)));
    }

    /// <summary>Asks the scheduler to kill a job; the job is null (and nothing is killed) when there is no such job or <paramref name="access"/> may not see it.</summary>
    public async Task<(KillOutcome Outcome, JobView? Job)> KillAsync(long id, JobAccess access, CancellationToken cancellationToken)
    {
        if (await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false) is null)
        {
            return (KillOutcome.NotActive, null);
        }

        var outcome = await scheduler.KillAsync(id).ConfigureAwait(false);
        return (outcome, await FindAsync(id, access, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reruns a job's failed or killed subjobs, or subjob <paramref name="index"/>; null (and nothing retried) when there
    /// is no such job or <paramref name="access"/> may not see it. Throws <see cref="InvalidRequestException"/> for a
    /// subjob that does not exist and <see cref="JobRetryRefusedException"/> when there is nothing it may retry.
    /// </summary>
    public async Task<JobView?> RetryAsync(long id, int? index, JobAccess access, CancellationToken cancellationToken)
    {
        if (await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false) is not { } details)
        {
            return null;
        }

        var dependsOn = JobControls.From(details.Job.Controls).DependsOn;
        var storedStates = await StoredStatesAsync(dependsOn, JobAccess.Admin, cancellationToken).ConfigureAwait(false);
        try
        {
            await scheduler.RetryJobAsync(id, index, details, storedStates).ConfigureAwait(false);
        }
        catch (FarmTargetNotFoundException e)
        {
            throw new InvalidRequestException(e.Message);
        }

        return await FindAsync(id, access, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored state of each job named; one that does not exist, or that <paramref name="access"/> may not see, is refused by ID.</summary>
    private async Task<IReadOnlyDictionary<long, string>> StoredStatesAsync(IReadOnlyList<long> ids, JobAccess access, CancellationToken cancellationToken)
    {
        var states = new Dictionary<long, string>();
        foreach (var dependency in ids)
        {
            if (await FindDetailsAsync(dependency, access, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                throw new InvalidRequestException($"wait_for: job {dependency} does not exist");
            }

            states[dependency] = found.Job.State;
        }

        return states;
    }

    /// <summary>The job once it has ended, or as it is when <paramref name="timeout"/> passes; null when there is no such job or <paramref name="access"/> may not see it.</summary>
    public async Task<JobView?> WaitAsync(long id, TimeSpan timeout, JobAccess access, CancellationToken cancellationToken)
    {
        var ended = scheduler.Waiters.WhenEnded(id);
        var job = await FindAsync(id, access, cancellationToken).ConfigureAwait(false);
        if (job is null || JobStates.IsTerminal(job.State))
        {
            scheduler.Waiters.Forget(id, ended);
            return job;
        }

        try
        {
            await ended.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Answer with the current state; the client asks again.
        }

        return await FindAsync(id, access, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest attempt's output of every subjob, or of one; null when there is no such job or <paramref name="access"/> may not see it.</summary>
    public async Task<JobLogsView?> LogsAsync(long id, int? index, int? attempt, JobAccess access, CancellationToken cancellationToken)
    {
        var job = await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return null;
        }

        var subjobs = job.Subjobs.Where(s => index is null || s.Index == index).ToList();
        if (index is { } wanted && subjobs.Count == 0)
        {
            throw new InvalidRequestException($"job {id} has no subjob {wanted}; it has {job.Subjobs.Count} (0 to {job.Subjobs.Count - 1})");
        }

        if (attempt is { } asked && subjobs.Any(s => asked < 1 || asked > s.Attempt))
        {
            throw new InvalidRequestException($"attempt {asked} is out of range: subjobs of job {id} have run 1 to {subjobs.Min(s => s.Attempt)} times");
        }

        var logs = new List<SubjobLogView>();
        foreach (var subjob in subjobs)
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            var which = attempt ?? subjob.Attempt;
            await foreach (var chunk in queries.ReadLogAsync(id, subjob.Index, which, cancellationToken).ConfigureAwait(false))
            {
                (chunk.Stream == 2 ? stderr : stdout).Write(chunk.Data);
            }

            logs.Add(new SubjobLogView(subjob.Index, which, Decode(stdout), Decode(stderr)));
        }

        return new JobLogsView(id, logs);
    }

    /// <summary>Copies one stream of a subjob's latest attempt to <paramref name="output"/>; false when there is no such job or subjob, or <paramref name="access"/> may not see it.</summary>
    public async Task<bool> CopyOutputAsync(long id, int index, int stream, JobAccess access, Stream output, CancellationToken cancellationToken)
    {
        var job = await FindDetailsAsync(id, access, cancellationToken).ConfigureAwait(false);
        var subjob = job?.Subjobs.FirstOrDefault(s => s.Index == index);
        if (subjob is null)
        {
            return false;
        }

        await foreach (var chunk in queries.ReadLogAsync(id, index, subjob.Attempt, cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Stream == stream)
            {
                await output.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task<JobDetails?> FindDetailsAsync(long id, JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var details = await queries.FindJobAsync(id, cancellationToken).ConfigureAwait(false);
        return details is not null && access.Sees(details.Job.SubmittedBy) ? details : null;
    }

    private static string Decode(MemoryStream stream) => Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
}
