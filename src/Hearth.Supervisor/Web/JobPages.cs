using System.Globalization;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/jobs</c>, the jobs with filters and paging on the server, and <c>/admin/jobs/{id}</c>, one job: its fields,
/// pending reason, subjobs and attempts, history, a live tail of any subjob's log, and kill, retry and priority.
/// </summary>
public static class JobPages
{
    public const string Path = "/admin/jobs";

    /// <summary>Jobs listed per page, and subjobs shown per page of a job.</summary>
    public const int PageSize = 50;

    public static string JobPath(long id) => string.Create(CultureInfo.InvariantCulture, $"{Path}/{id}");

    public static IEndpointRouteBuilder MapJobPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", async ([AsParameters] JobQuery query, JobService jobs, CancellationToken ct) =>
            new RazorComponentResult<JobsPage>(new { Query = query, Jobs = await SearchAsync(query, jobs, ct).ConfigureAwait(false) }));
        pages.MapGet("/live", async ([AsParameters] JobQuery query, JobService jobs, CancellationToken ct) =>
            new RazorComponentResult<JobsTable>(new { Query = query, Jobs = await SearchAsync(query, jobs, ct).ConfigureAwait(false) }));
        pages.MapGet("/{id}", (string id, int? subjob, int? attempt, int? page, string? done, int? priority, JobService jobs, CancellationToken ct) =>
            ShowAsync(id, new JobPageView(subjob, attempt, page ?? 0), jobs, Done(id, done, priority), null, ct));
        pages.MapGet("/{id}/live", async (string id, int? page, JobService jobs, CancellationToken ct) =>
            await FindAsync(id, jobs, ct).ConfigureAwait(false) is { } job
                ? new RazorComponentResult<JobLive>(new { Job = job, Page = page ?? 0 })
                : (IResult)NotFound(id));
        pages.MapGet("/{id}/log", TailAsync);
        pages.MapPost("/{id}/kill", (string id, IFormCollection form, JobService jobs, CancellationToken ct) =>
            ActAsync(id, form, jobs, async jobId =>
            {
                var (outcome, job) = await jobs.KillAsync(jobId, JobAccess.Admin, ct).ConfigureAwait(false);
                return outcome == KillOutcome.NotActive
                    ? throw new JobChangeRefusedException($"job {id} has already ended: it is {job?.State}")
                    : outcome == KillOutcome.Killed ? "killed" : "killing";
            }, ct));
        pages.MapPost("/{id}/retry", (string id, IFormCollection form, JobService jobs, CancellationToken ct) =>
            ActAsync(id, form, jobs, async jobId =>
            {
                await jobs.RetryAsync(jobId, null, JobAccess.Admin, ct).ConfigureAwait(false);
                return "retried";
            }, ct));
        pages.MapPost("/{id}/priority", (string id, IFormCollection form, JobService jobs, CancellationToken ct) =>
            ActAsync(id, form, jobs, async jobId =>
            {
                var text = form["priority"].ToString().Trim();
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority))
                {
                    throw new InvalidRequestException($"priority \"{text}\" is not a whole number: 1 (highest) to 9999 (lowest)");
                }

                var (active, job) = await jobs.ModifyAsync(jobId, new ModifyJobRequest(priority, null, null), JobAccess.Admin, ct).ConfigureAwait(false);
                return active
                    ? string.Create(CultureInfo.InvariantCulture, $"priority&priority={priority}")
                    : throw new JobChangeRefusedException($"job {id} has already ended: it is {job?.State}");
            }, ct));
        return app;
    }

    private static Task<IReadOnlyList<JobSummaryView>> SearchAsync(JobQuery query, JobService jobs, CancellationToken ct) =>
        jobs.SearchAsync(query.StateFilter, query.AccountFilter, query.NameFilter, PageSize + 1, query.Before, ct);

    private static async Task<JobView?> FindAsync(string id, JobService jobs, CancellationToken ct) =>
        Endpoints.Problems.TryParseJobId(id, out var jobId) ? await jobs.FindAsync(jobId, JobAccess.Admin, ct).ConfigureAwait(false) : null;

    private static RazorComponentResult<AdminFailurePage> NotFound(string id) =>
        AdminFailures.Page($"Job {id} was not found.", StatusCodes.Status404NotFound);

    private static async Task<IResult> ShowAsync(string id, JobPageView view, JobService jobs, string? notice, string? error, CancellationToken ct)
    {
        if (await FindAsync(id, jobs, ct).ConfigureAwait(false) is not { } job)
        {
            return NotFound(id);
        }

        var subjob = job.Subjobs.FirstOrDefault(s => s.Id == (view.Subjob ?? job.Subjobs.FirstOrDefault(f => f.State != JobStates.Pending)?.Id ?? 0));
        var tail = subjob is null ? null : await jobs.TailAsync(job.Id, subjob.Id, view.Attempt, -1, ct).ConfigureAwait(false);
        return new RazorComponentResult<JobPage>(new { Job = job, View = view, Tail = tail, LogSubjob = subjob, Notice = notice, Error = error })
        {
            StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict,
        };
    }

    /// <summary>New output of a subjob's attempt after chunk <paramref name="after"/>, as JSON, for the page's tail.</summary>
    private static async Task<IResult> TailAsync(string id, int? subjob, int? attempt, long? after, JobService jobs, CancellationToken ct) =>
        Endpoints.Problems.TryParseJobId(id, out var jobId) && await jobs.TailAsync(jobId, subjob ?? 0, attempt, after ?? -1, ct).ConfigureAwait(false) is { } tail
            ? TypedResults.Json(new { attempt = tail.Attempt, last = tail.Last, text = tail.Text, ended = tail.Ended })
            : TypedResults.NotFound();

    /// <summary>
    /// Takes the form so that its antiforgery token is checked, then does what the path says: back to the job's page
    /// with what happened, or the page again with why not.
    /// </summary>
    private static async Task<IResult> ActAsync(string id, IFormCollection form, JobService jobs, Func<long, Task<string>> act, CancellationToken ct)
    {
        _ = form;
        if (!Endpoints.Problems.TryParseJobId(id, out var jobId))
        {
            return NotFound(id);
        }

        string? done = null;
        var error = await AdminFailures.TryAsync(async () => done = await act(jobId).ConfigureAwait(false)).ConfigureAwait(false);
        return error is null
            ? TypedResults.Redirect($"{JobPath(jobId)}?done={done}")
            : await ShowAsync(id, new JobPageView(null, null, 0), jobs, null, error, ct).ConfigureAwait(false);
    }

    /// <summary>What the action that led back to the page did, in words.</summary>
    private static string? Done(string id, string? done, int? priority) => done switch
    {
        "killed" => $"Job {id} killed.",
        "killing" => $"Job {id} is being killed: its processes are asked to stop.",
        "retried" => $"Job {id}'s failed and killed subjobs are pending again.",
        "priority" when priority is { } p => string.Create(CultureInfo.InvariantCulture, $"Job {id}'s priority is now {p}."),
        _ => null,
    };
}
