using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary><c>/v1/workers</c>, <c>/v1/resources</c> and <c>/v1/cluster</c>: the cluster as the scheduler sees it.</summary>
internal static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireAuthorization(HearthAuth.ApiPolicy);
        api.MapGet("/workers", (Scheduler scheduler) => TypedResults.Ok(new WorkerListView(scheduler.View.Workers)))
            .WithTags("Workers").WithSummary("Workers with their state and total/used/free resources");
        api.MapGet("/workers/{name}", WorkerAsync).WithTags("Workers").WithSummary("One worker");
        app.MapDelete("/v1/workers/{name}", RemoveWorkerAsync).RequireAuthorization(HearthAuth.AdminPolicy)
            .WithTags("Workers").WithSummary("Forget a worker that is down (refused while it is up, unreachable or holds work)");
        api.MapGet("/resources", Resources).WithTags("Resources").WithSummary("Total/used/free of every resource, globally and per host");
        app.MapGet("/v1/cluster/info", (Scheduler scheduler, SupervisorEndpoints endpoints) => TypedResults.Ok(new ClusterInfoView(
                SupervisorHost.Version, endpoints.WorkerPort, (int)scheduler.Settings.HeartbeatTimeout.TotalMilliseconds, endpoints.ApiPort)))
            .RequireAuthorization(HearthAuth.WorkerPolicy).WithTags("Cluster").WithSummary("What a worker needs to connect");
        app.MapGet("/health", () => TypedResults.Ok(new { Status = "ok" })).AllowAnonymous().WithTags("Cluster").ExcludeFromDescription();
        return app;
    }

    private static Results<Ok<WorkerView>, ProblemHttpResult> WorkerAsync(string name, Scheduler scheduler) =>
        scheduler.View.Workers.FirstOrDefault(w => w.Name == name) is { } worker
            ? TypedResults.Ok(worker)
            : Problems.NotFound($"worker {name} not found");

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveWorkerAsync(string name, Scheduler scheduler)
    {
        return await scheduler.RemoveWorkerAsync(name).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound($"worker {name} not found");
    }

    /// <summary>
    /// Host capacity counts as available only on workers that are up: a down or unreachable worker's resources
    /// show free 0 on its own line and are summed apart, so nobody plans with capacity that cannot take work.
    /// </summary>
    private static Ok<ResourcesView> Resources(Scheduler scheduler)
    {
        var view = scheduler.View;
        var up = view.Workers.Where(w => w.State == "up").ToList();
        var notUp = view.Workers.Where(w => w.State != "up").ToList();
        return TypedResults.Ok(new ResourcesView(
            view.Global,
            [.. view.Workers.Select(w => new HostResourcesView(w.Name, w.State, w.Resources))],
            new HostCapacityView(up.Count, Sum(up)),
            new HostCapacityView(notUp.Count, Sum(notUp), [.. notUp.Select(w => w.Name)])));
    }

    private static List<ResourceUsageView> Sum(List<WorkerView> workers) =>
    [
        .. workers.SelectMany(w => w.Resources).GroupBy(r => r.Resource, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ResourceUsageView(g.Key, g.Sum(r => r.Total), g.Sum(r => r.Used), g.Sum(r => r.Free))),
    ];
}
