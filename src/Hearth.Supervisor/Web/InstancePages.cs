using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary><c>/admin/instances</c>: every algorithm instance, warm or starting, with a Stop button for those not serving a call.</summary>
public static class InstancePages
{
    public const string Path = "/admin/instances";
    public const string LivePath = "/admin/instances/live";

    public static string StopPath(string id) => $"{Path}/{Uri.EscapeDataString(id)}/stop";

    public static IEndpointRouteBuilder MapInstancePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", (string? stopped, InstancePool pool) => Page(pool, stopped is null ? null : $"Instance {stopped} is stopping.", null, StatusCodes.Status200OK));
        pages.MapGet("/live", (InstancePool pool) => new RazorComponentResult<InstancesTable>(new { Instances = Rows(pool) }));
        pages.MapPost("/{id}/stop", Stop);
        return app;
    }

    /// <summary>Takes the form only so that its antiforgery token is checked; the path names the instance.</summary>
    private static IResult Stop(string id, IFormCollection form, InstancePool pool)
    {
        _ = form;
        return pool.Stop(id) switch
        {
            InstanceStopResult.NotFound => Page(pool, null, $"Instance {id} was not found; it may have stopped already.", StatusCodes.Status404NotFound),
            InstanceStopResult.Busy => Page(pool, null, $"Instance {id} is serving a call; stop it once the call ends (the call's timeout bounds how long that takes).",
                StatusCodes.Status409Conflict),
            _ => TypedResults.Redirect($"{Path}?stopped={Uri.EscapeDataString(id)}"),
        };
    }

    internal static IReadOnlyList<InstanceRow> Rows(InstancePool pool) => [.. pool.List().Select(InstanceRow.Of)];

    private static RazorComponentResult<InstancesPage> Page(InstancePool pool, string? notice, string? error, int status) =>
        new(new { Instances = Rows(pool), Notice = notice, Error = error }) { StatusCode = status };
}
