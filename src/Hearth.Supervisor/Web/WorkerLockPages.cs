using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>The cluster page's lock, purge and unlock buttons: form posts with an antiforgery token, then back to the page.</summary>
internal static class WorkerLockPages
{
    public static string LockPath(string worker) => $"/admin/workers/{Uri.EscapeDataString(worker)}/lock";

    public static string PurgePath(string worker) => $"/admin/workers/{Uri.EscapeDataString(worker)}/purge";

    public static string UnlockPath(string worker) => $"/admin/workers/{Uri.EscapeDataString(worker)}/unlock";

    public static IEndpointRouteBuilder MapWorkerLockPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/admin/workers").ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy);
        pages.MapPost("/{name}/lock", (string name, IFormCollection form, Scheduler scheduler) => ActAsync(form, () => scheduler.LockWorkerAsync(name, purge: false)));
        pages.MapPost("/{name}/purge", (string name, IFormCollection form, Scheduler scheduler) => ActAsync(form, () => scheduler.LockWorkerAsync(name, purge: true)));
        pages.MapPost("/{name}/unlock", (string name, IFormCollection form, Scheduler scheduler) => ActAsync(form, () => scheduler.UnlockWorkerAsync(name)));
        return app;
    }

    /// <summary>Takes the form only so that its antiforgery token is checked; the path says what to do.</summary>
    private static async Task<IResult> ActAsync(IFormCollection form, Func<Task> act)
    {
        _ = form;
        try
        {
            await act().ConfigureAwait(false);
            return TypedResults.Redirect(AdminPages.ClusterPath);
        }
        catch (FarmTargetNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
    }
}
