using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>The admin's run-time farm controls: cluster-wide totals, a license's outside use, worker resource totals.</summary>
internal static class FarmEndpoints
{
    public static IEndpointRouteBuilder MapFarmEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1").RequireAuthorization(HearthAuth.AdminPolicy);
        admin.MapPut("/resources/{resource}", SetTotalAsync).Accepts<SetResourceTotalRequest>("application/json")
            .WithTags("Resources").WithSummary("Set the total of a global, license or global_host resource at run time (kept across restarts)");
        admin.MapPost("/resources/{resource}/outside-use", ReportAsync).Accepts<ReportOutsideUseRequest>("application/json")
            .WithTags("Resources").WithSummary("Report how many of a license are in use outside the farm; the farm takes only the rest");
        admin.MapPut("/workers/{name}/resources", SetWorkerAsync).Accepts<SetWorkerResourcesRequest>("application/json")
            .WithTags("Workers").WithSummary("Set host resource totals on a worker, over what its config reports (kept across restarts)");
        admin.MapPost("/workers/{name}/lock", (string name, bool? purge, Scheduler scheduler) => RunAsync(() => scheduler.LockWorkerAsync(name, purge == true)))
            .WithTags("Workers").WithSummary("Lock a worker: no new work, running work finishes; ?purge=true kills and requeues its running subjobs (kept across restarts)");
        admin.MapGet("/policy", (Scheduler scheduler) => RunAsync(scheduler.PolicyAsync))
            .WithTags("Policy").WithSummary("Cluster-wide rules set at run time: the highest priority account keys may use");
        admin.MapPut("/policy", SetPolicyAsync).Accepts<SetPolicyRequest>("application/json")
            .WithTags("Policy").WithSummary("Set the highest priority (lowest number; 1 runs first) account keys may give a job, at submit and modify (kept across restarts)");
        admin.MapPost("/workers/{name}/unlock", (string name, Scheduler scheduler) => RunAsync(() => scheduler.UnlockWorkerAsync(name)))
            .WithTags("Workers").WithSummary("Unlock a worker: it takes new work again");
        return app;
    }

    private static async Task<Results<Ok<ResourceUsageView>, ProblemHttpResult>> SetTotalAsync(string resource, HttpRequest request, Scheduler scheduler)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<SetResourceTotalRequest>(request, "{\"total\": 3}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (!ResourceName.TryParse(resource, out var name, out var error))
        {
            return Problems.BadRequest(error!);
        }

        if (body.Total is not { } total)
        {
            return Problems.BadRequest("total: missing; give the new total, e.g. {\"total\": 3}");
        }

        return await RunAsync(() => scheduler.SetResourceTotalAsync(name, total)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ResourceUsageView>, ProblemHttpResult>> ReportAsync(string resource, HttpRequest request, Scheduler scheduler)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<ReportOutsideUseRequest>(request, "{\"inUse\": 7}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (!ResourceName.TryParse(resource, out var name, out var error))
        {
            return Problems.BadRequest(error!);
        }

        if (body.InUse is not { } inUse)
        {
            return Problems.BadRequest("inUse: missing; give the count in use outside the farm, e.g. {\"inUse\": 7}");
        }

        return await RunAsync(() => scheduler.ReportOutsideUseAsync(name, inUse)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<WorkerView>, ProblemHttpResult>> SetWorkerAsync(string name, HttpRequest request, Scheduler scheduler)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<SetWorkerResourcesRequest>(request, "{\"resources\": \"host.gpu=2\"}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (string.IsNullOrWhiteSpace(body.Resources))
        {
            return Problems.BadRequest("resources: missing; give host totals to set, e.g. {\"resources\": \"host.gpu=2\"}");
        }

        IReadOnlyDictionary<ResourceName, int> totals;
        try
        {
            totals = ResourceTotals.Parse(body.Resources, ResourceScope.Host);
        }
        catch (ResourceRequestSyntaxException e)
        {
            return Problems.BadRequest($"resources: {e.Message}");
        }

        return await RunAsync(() => scheduler.SetWorkerResourcesAsync(name, totals)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<PolicyView>, ProblemHttpResult>> SetPolicyAsync(HttpRequest request, Scheduler scheduler)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<SetPolicyRequest>(request, "{\"highest_user_priority\": 100}").ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        return body.HighestUserPriority is { } priority
            ? await RunAsync(() => scheduler.SetHighestUserPriorityAsync(priority)).ConfigureAwait(false)
            : Problems.BadRequest("highest_user_priority: missing; give the highest priority accounts may use, e.g. {\"highest_user_priority\": 100}");
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> RunAsync<T>(Func<Task<T>> run)
    {
        return TypedResults.Ok(await run().ConfigureAwait(false));
    }
}
