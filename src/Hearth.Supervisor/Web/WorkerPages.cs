using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/workers/{name}</c>: a worker's properties, resources, running subjobs and instances, and its lock, purge
/// and unlock buttons (also on the cluster page): form posts with an antiforgery token, then back where they came from.
/// </summary>
public static class WorkerPages
{
    public static string WorkerPath(string worker) => $"/admin/workers/{Uri.EscapeDataString(worker)}";

    public static string LockPath(string worker) => $"{WorkerPath(worker)}/lock";

    public static string PurgePath(string worker) => $"{WorkerPath(worker)}/purge";

    public static string UnlockPath(string worker) => $"{WorkerPath(worker)}/unlock";

    public static IEndpointRouteBuilder MapWorkerPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/admin/workers").ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy)
            .AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("/{name}", async (string name, string? done, Scheduler scheduler, InstancePool pool) =>
            await ModelAsync(name, scheduler, pool).ConfigureAwait(false) is { } model
                ? new RazorComponentResult<WorkerPage>(new { Worker = model, Notice = Done(name, done) })
                : (IResult)Missing(name));
        pages.MapGet("/{name}/live", async (string name, Scheduler scheduler, InstancePool pool) =>
            await ModelAsync(name, scheduler, pool).ConfigureAwait(false) is { } model
                ? new RazorComponentResult<WorkerLive>(new { Worker = model })
                : (IResult)Missing(name));
        pages.MapPost("/{name}/lock", (string name, IFormCollection form, Scheduler scheduler, InstancePool pool) =>
            ActAsync(name, form, "locked", scheduler, pool, () => scheduler.LockWorkerAsync(name, purge: false)));
        pages.MapPost("/{name}/purge", (string name, IFormCollection form, Scheduler scheduler, InstancePool pool) =>
            ActAsync(name, form, "purged", scheduler, pool, () => scheduler.LockWorkerAsync(name, purge: true)));
        pages.MapPost("/{name}/unlock", (string name, IFormCollection form, Scheduler scheduler, InstancePool pool) =>
            ActAsync(name, form, "unlocked", scheduler, pool, () => scheduler.UnlockWorkerAsync(name)));
        return app;
    }

    private static RazorComponentResult<AdminFailurePage> Missing(string name) =>
        AdminFailures.Page($"Worker {name} was not found: no worker by that name has registered.", StatusCodes.Status404NotFound);

    private static async Task<WorkerModel?> ModelAsync(string name, Scheduler scheduler, InstancePool pool)
    {
        if (scheduler.View.Workers.FirstOrDefault(w => w.Name == name) is not { } worker)
        {
            return null;
        }

        var running = await scheduler.RunningOnAsync(name).ConfigureAwait(false);
        return new WorkerModel(worker, running, [.. pool.List().Where(i => i.Worker == name).Select(InstanceRow.Of)]);
    }

    /// <summary>
    /// Takes the form so that its antiforgery token is checked; the path says what to do. Back to the page named by the
    /// form's <c>return</c> (the cluster page's buttons send none), or the worker's page with why it did not work.
    /// </summary>
    private static async Task<IResult> ActAsync(string name, IFormCollection form, string done, Scheduler scheduler, InstancePool pool, Func<Task> act)
    {
        var back = form["return"].ToString();
        var error = await AdminFailures.TryAsync(act).ConfigureAwait(false);
        if (error is null)
        {
            return TypedResults.Redirect(back == "worker" ? $"{WorkerPath(name)}?done={done}" : AdminPages.ClusterPath);
        }

        return await ModelAsync(name, scheduler, pool).ConfigureAwait(false) is { } model
            ? new RazorComponentResult<WorkerPage>(new { Worker = model, Error = error }) { StatusCode = StatusCodes.Status409Conflict }
            : Missing(name);
    }

    private static string? Done(string name, string? done) => done switch
    {
        "locked" => $"Worker {name} is locked: it takes no new work, and what runs there finishes.",
        "purged" => $"Worker {name} is locked and its running subjobs were killed and requeued.",
        "unlocked" => $"Worker {name} is unlocked: it takes new work again.",
        _ => null,
    };
}

/// <summary>A worker's page: the worker as the loop last saw it, what runs there, and its algorithm instances.</summary>
public sealed record WorkerModel(Hearth.Protocol.Rest.WorkerView Worker, IReadOnlyList<RunningSubjob> Running, IReadOnlyList<InstanceRow> Instances);
