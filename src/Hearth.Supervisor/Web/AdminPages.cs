using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// The admin area: server-rendered Razor components under <c>/admin</c>, signed in with the admin key (a cookie
/// afterwards). Pages share <see cref="AdminShell"/> and list themselves in <see cref="Navigation"/>.
/// </summary>
public static class AdminPages
{
    public const string ClusterPath = "/admin";
    public const string ClusterLivePath = "/admin/cluster/live";
    public const string LoginPath = "/admin/login";
    public const string LogoutPath = "/admin/logout";

    private const int JobsShown = 50;

    /// <summary>The admin area's pages, in menu order. New pages add themselves here.</summary>
    public static readonly List<(string Href, string Label)> Navigation =
    [
        (ClusterPath, "Cluster"), (JobPages.Path, "Jobs"), (InstancePages.Path, "Instances"), (AlgorithmPages.Path, "Algorithms"),
        (AccountPages.Path, "Accounts"), (ReservationPages.Path, "Reservations"),
    ];

    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect(ClusterPath)).ExcludeFromDescription();
        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        admin.MapGet("/login", (string? returnUrl) => new RazorComponentResult<LoginPage>(new { ReturnUrl = returnUrl })).AllowAnonymous();
        admin.MapPost("/login", SignInAsync).AllowAnonymous();
        admin.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(HearthAuth.CookieScheme).ConfigureAwait(false);
            return TypedResults.Redirect(LoginPath);
        }).AllowAnonymous();

        var pages = admin.MapGroup("").RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", async (Scheduler scheduler, JobService jobs, CancellationToken ct) =>
            new RazorComponentResult<ClusterPage>(await ClusterModelAsync(scheduler, jobs, ct).ConfigureAwait(false)));
        pages.MapGet("/cluster/live", async (Scheduler scheduler, JobService jobs, CancellationToken ct) =>
            new RazorComponentResult<ClusterLive>(await ClusterModelAsync(scheduler, jobs, ct).ConfigureAwait(false)));
        app.MapJobPages();
        app.MapWorkerPages();
        app.MapInstancePages();
        app.MapAlgorithmPages();
        app.MapAccountPages();
        return app;
    }

    private static async Task<Dictionary<string, object?>> ClusterModelAsync(Scheduler scheduler, JobService jobs, CancellationToken ct)
    {
        var list = await jobs.ListAsync(null, JobsShown, null, JobAccess.Admin, ct).ConfigureAwait(false);
        var counts = await jobs.CountAsync(JobAccess.Admin, ct).ConfigureAwait(false);
        // Only the waiting jobs on show are explained: one read each, however many the store holds.
        var reasons = new Dictionary<long, string>();
        foreach (var waiting in list.Jobs.Where(j => j.State is JobStates.Pending or JobStates.Blocked))
        {
            if (await jobs.FindAsync(waiting.Id, JobAccess.Admin, ct).ConfigureAwait(false) is { PendingReason: { } reason })
            {
                reasons[waiting.Id] = reason;
            }
        }

        return new Dictionary<string, object?>
        {
            ["View"] = scheduler.View,
            ["Jobs"] = list.Jobs,
            ["Counts"] = counts.States,
            ["Reasons"] = reasons,
        };
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, IKeyStore keys, TimeProvider time, [FromForm] string? key, [FromForm] string? returnUrl)
    {
        var record = string.IsNullOrWhiteSpace(key) ? null : await keys.FindByHashAsync(ApiKeys.Hash(key.Trim()), context.RequestAborted).ConfigureAwait(false);
        if (record is null || record.Role != KeyRoles.Admin || (record.RevokedAt is { } revoked && revoked <= time.GetUtcNow()))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return new RazorComponentResult<LoginPage>(new { Error = "That is not a valid admin key.", ReturnUrl = returnUrl }) { StatusCode = 401 };
        }

        var principal = KeyAuthenticationHandler.Principal(record, HearthAuth.CookieScheme);
        await context.SignInAsync(HearthAuth.CookieScheme, principal).ConfigureAwait(false);
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith("/admin", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : ClusterPath;
        return TypedResults.Redirect(target);
    }

}
