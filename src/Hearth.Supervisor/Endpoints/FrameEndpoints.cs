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

/// <summary><c>/v1/jobs/{id}/frames</c>: an agenda job's work items, and the actions on them.</summary>
internal static class FrameEndpoints
{
    public static IEndpointRouteBuilder MapFrameEndpoints(this IEndpointRouteBuilder app)
    {
        var frames = app.MapGroup("/v1/jobs/{id}/frames").RequireAuthorization(HearthAuth.ApiPolicy).WithTags("Frames");
        frames.MapGet("", ListAsync)
            .WithSummary("An agenda job's work items in hand-out order, ?state=S to filter, a page of ?limit=N after item ?after=I");
        frames.MapPost("/{action}", ActAsync).Accepts<FrameActionRequest>("application/json")
            .WithSummary("retry, complete, block, unblock or kill the items holding {\"range\": \"...\"} (without a range: every item it applies to; retry: every failed one)");
        return app;
    }

    private static async Task<Results<Ok<FrameListView>, ProblemHttpResult>> ListAsync(
        string id, string? state, int? after, int? limit, HttpContext context, FrameService service, AccountService accounts, CancellationToken ct)
    {
        try
        {
            var access = await JobEndpoints.AccessOfAsync(context, accounts).ConfigureAwait(false);
            return Problems.TryParseJobId(id, out var jobId) && await service.ListAsync(jobId, state, after, limit, access, ct).ConfigureAwait(false) is { } list
                ? TypedResults.Ok(list)
                : Problems.JobNotFound(id);
        }
        catch (InvalidRequestException e)
        {
            return Problems.BadRequest(e.Message);
        }
    }

    private static async Task<Results<Ok<FrameActionView>, ProblemHttpResult>> ActAsync(
        string id, string action, HttpRequest request, FrameService service, AccountService accounts, CancellationToken ct)
    {
        FrameActionRequest body = new();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (read, problem) = await BindingExceptionHandler.ReadJsonAsync<FrameActionRequest>(request, "{\"range\": \"1-10\"}").ConfigureAwait(false);
            if (read is null)
            {
                return problem!;
            }

            body = read;
        }

        if (!Problems.TryParseJobId(id, out var jobId))
        {
            return Problems.JobNotFound(id);
        }

        try
        {
            var access = await JobEndpoints.AccessOfAsync(request.HttpContext, accounts).ConfigureAwait(false);
            return await service.ActAsync(jobId, action, body.Range, access, ct).ConfigureAwait(false) is { } done
                ? TypedResults.Ok(done)
                : Problems.JobNotFound(id);
        }
        catch (InvalidRequestException e)
        {
            return Problems.BadRequest(e.Message);
        }
        catch (FrameActionRefusedException e)
        {
            return Problems.Conflict(e.Message);
        }
        catch (JobRetryRefusedException e)
        {
            return Problems.Conflict(e.Message);
        }
        catch (FarmTargetNotFoundException)
        {
            return Problems.JobNotFound(id);
        }
        catch (OperationCanceledException)
        {
            return Problems.Unavailable("the supervisor is stopping");
        }
    }
}
