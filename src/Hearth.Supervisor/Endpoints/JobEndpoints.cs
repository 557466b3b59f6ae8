using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// <c>/v1/jobs</c>: submit, list, show, wait for, kill, and read the output of jobs. An admin key reaches every job;
/// an account key only those its account or one of its organizations submitted (see <see cref="JobAccess"/>).
/// </summary>
internal static class JobEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/v1/jobs").RequireAuthorization(HearthAuth.ApiPolicy).WithTags("Jobs");
        jobs.MapPost("", SubmitAsync).Accepts<SubmitJobRequest>("application/json").WithSummary("Submit a job");
        jobs.MapGet("", ListAsync).WithSummary("List jobs, newest first");
        jobs.MapGet("/counts", CountAsync).WithSummary("How many jobs are in each state");
        jobs.MapGet("/{id}", GetAsync).WithSummary("A job with its subjobs, allocations and growth history");
        jobs.MapGet("/{id}/wait", WaitAsync).WithSummary("Wait (up to timeout seconds, at most 60) for a job to end");
        jobs.MapPost("/{id}/modify", ModifyAsync).Accepts<ModifyJobRequest>("application/json")
            .WithSummary("Change a job: priority while it is pending or running, reservations and requirements while it is pending; each change goes in its history");
        jobs.MapPost("/{id}/kill", KillAsync).WithSummary("Kill a job: pending subjobs are withdrawn, running process trees are stopped");
        jobs.MapPost("/{id}/retry", RetryAsync).WithSummary("Rerun the job's failed or killed subjobs, or only subjob ?subjob=K");
        jobs.MapGet("/{id}/logs", LogsAsync).WithSummary("The captured stdout and stderr of the job's subjobs (latest attempt, or ?attempt=N), or of the item holding ?frame=F");
        jobs.MapGet("/{id}/subjobs/{index:int}/{stream}", OutputAsync).WithSummary("One output stream of a subjob as plain text");
        return app;
    }

    private static async Task<Results<Created<SubmitJobResponse>, ProblemHttpResult>> SubmitAsync(HttpRequest request, JobService service, AccountService accounts)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<SubmitJobRequest>(request, "{\"command\": [\"echo\", \"hi\"]}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        var access = await AccessAsync(request.HttpContext, accounts).ConfigureAwait(false);
        var id = await service.SubmitAsync(body, access).ConfigureAwait(false);
        return TypedResults.Created($"/v1/jobs/{id}", new SubmitJobResponse(id));
    }

    private static async Task<Results<Ok<JobListView>, ProblemHttpResult>> ListAsync(
        HttpContext context, JobService service, AccountService accounts, string? state, int? limit, long? before, CancellationToken ct)
    {
        var access = await AccessAsync(context, accounts).ConfigureAwait(false);
        return TypedResults.Ok(await service.ListAsync(state, limit, before, access, ct).ConfigureAwait(false));
    }

    private static async Task<Ok<JobCountsView>> CountAsync(HttpContext context, JobService service, AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(await service.CountAsync(await AccessAsync(context, accounts).ConfigureAwait(false), ct).ConfigureAwait(false));

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, JobService service, AccountService accounts, CancellationToken ct) =>
        Problems.TryParseJobId(id, out var jobId)
        && await service.FindAsync(jobId, await AccessAsync(context, accounts).ConfigureAwait(false), ct).ConfigureAwait(false) is { } job
            ? TypedResults.Ok(job)
            : Problems.JobNotFound(id);

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> WaitAsync(
        string id, double? timeout, HttpContext context, JobService service, AccountService accounts, CancellationToken ct)
    {
        // Checked as a number first: 1e308 seconds is no TimeSpan, and NaN compares false with everything.
        var seconds = timeout ?? 30;
        if (!(seconds >= 0 && seconds <= MaxWait.TotalSeconds))
        {
            return Problems.BadRequest(string.Create(
                System.Globalization.CultureInfo.InvariantCulture, $"timeout {seconds} is out of range: 0 to {MaxWait.TotalSeconds} seconds"));
        }

        var wait = TimeSpan.FromSeconds(seconds);

        return Problems.TryParseJobId(id, out var jobId)
            && await service.WaitAsync(jobId, wait, await AccessAsync(context, accounts).ConfigureAwait(false), ct).ConfigureAwait(false) is { } job
            ? TypedResults.Ok(job)
            : Problems.JobNotFound(id);
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> KillAsync(
        string id, HttpContext context, JobService service, AccountService accounts, CancellationToken ct)
    {
        if (!Problems.TryParseJobId(id, out var jobId))
        {
            return Problems.JobNotFound(id);
        }

        var access = await AccessAsync(context, accounts).ConfigureAwait(false);
        var (outcome, job) = await service.KillAsync(jobId, access, ct).ConfigureAwait(false);
        return job is null ? Problems.JobNotFound(id)
            : outcome == KillOutcome.NotActive ? Problems.Conflict($"job {id} has already ended: it is {job.State}")
            : TypedResults.Ok(job);
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> ModifyAsync(
        string id, HttpRequest request, JobService service, AccountService accounts, CancellationToken ct)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<ModifyJobRequest>(request, "{\"priority\": 10}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (!Problems.TryParseJobId(id, out var jobId))
        {
            return Problems.JobNotFound(id);
        }

        var access = await AccessAsync(request.HttpContext, accounts).ConfigureAwait(false);
        var (active, job) = await service.ModifyAsync(jobId, body, access, ct).ConfigureAwait(false);
        return job is null ? Problems.JobNotFound(id)
            : !active ? Problems.Conflict($"job {id} has already ended: it is {job.State}")
            : TypedResults.Ok(job);
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> RetryAsync(
        string id, int? subjob, HttpContext context, JobService service, AccountService accounts, CancellationToken ct)
    {
        if (!Problems.TryParseJobId(id, out var jobId))
        {
            return Problems.JobNotFound(id);
        }

        var access = await AccessAsync(context, accounts).ConfigureAwait(false);
        return await service.RetryAsync(jobId, subjob, access, ct).ConfigureAwait(false) is { } job ? TypedResults.Ok(job) : Problems.JobNotFound(id);
    }

    private static async Task<Results<Ok<JobLogsView>, ProblemHttpResult>> LogsAsync(
        string id, int? subjob, int? attempt, int? frame, HttpContext context, JobService service, FrameService frames, AccountService accounts, CancellationToken ct)
    {
        try
        {
            if (frame is { } f && subjob is not null)
            {
                return Problems.BadRequest("frame: give a frame or a subjob, not both");
            }

            var access = await AccessAsync(context, accounts).ConfigureAwait(false);
            return Problems.TryParseJobId(id, out var jobId)
                && await (frame is { } wanted
                    ? frames.LogsAsync(jobId, wanted, attempt, access, ct)
                    : service.LogsAsync(jobId, subjob, attempt, access, ct)).ConfigureAwait(false) is { } logs
                ? TypedResults.Ok(logs)
                : Problems.JobNotFound(id);
        }
        catch (InvalidRequestException e)
        {
            return Problems.NotFound(e.Message);
        }
    }

    /// <summary>What the request's key may reach, for the frame endpoints.</summary>
    internal static ValueTask<JobAccess> AccessOfAsync(HttpContext context, AccountService accounts) => AccessAsync(context, accounts);

    private static async Task<IResult> OutputAsync(string id, int index, string stream, JobService service, AccountService accounts, HttpContext context)
    {
        var which = stream switch
        {
            "stdout" => 1,
            "stderr" => 2,
            _ => 0,
        };
        if (which == 0)
        {
            return Problems.NotFound($"unknown stream \"{stream}\": expected stdout or stderr");
        }

        if (!Problems.TryParseJobId(id, out var jobId))
        {
            return Problems.JobNotFound(id);
        }

        var access = await AccessAsync(context, accounts).ConfigureAwait(false);
        if (await service.FindAsync(jobId, access, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return Problems.JobNotFound(id);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return await service.CopyOutputAsync(jobId, index, which, access, context.Response.Body, context.RequestAborted).ConfigureAwait(false)
            ? TypedResults.Empty
            : Problems.NotFound($"job {id} has no subjob {index}");
    }

    /// <summary>What the request's key may reach: everything for an admin key, its account's and organizations' jobs for an account key.</summary>
    private static async ValueTask<JobAccess> AccessAsync(HttpContext context, AccountService accounts) =>
        await AccountEndpoints.CallerAsync(context.User, accounts, context.RequestAborted).ConfigureAwait(false) is { } caller
            ? JobAccess.For(caller)
            : JobAccess.Admin;
}
