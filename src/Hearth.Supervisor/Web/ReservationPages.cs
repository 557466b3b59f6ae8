using System.Globalization;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Reservations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/reservations</c>: the reservations table with live status, the Add Reservation form (validated by the same
/// rules as the API, messages beside each field) and a per-row action menu. Admin sign-in only, like the whole area.
/// </summary>
public static class ReservationPages
{
    public const string Path = "/admin/reservations";
    public const string LivePath = "/admin/reservations/live";

    public static string RemovePath(long id) => string.Create(CultureInfo.InvariantCulture, $"{Path}/{id}/remove");

    public static IEndpointRouteBuilder MapReservationPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy);
        pages.MapGet("", (ReservationService service, long? added, long? removed) =>
            Page(service, ReservationForm.Empty, Notice(added, removed)));
        pages.MapGet("/live", (ReservationService service) =>
            new RazorComponentResult<ReservationsTable>(new { Reservations = service.List() }));
        pages.MapPost("", AddAsync);
        pages.MapPost("/{id}/remove", RemoveAsync);
        return app;
    }

    private static async Task<IResult> AddAsync(IFormCollection form, ReservationService service, CancellationToken ct)
    {
        var posted = ReservationForm.Of(form);
        var request = posted.ToRequest(out var scheduleErrors);
        var change = scheduleErrors.Count == 0
            ? await service.AddAsync(request, ct).ConfigureAwait(false)
            : new ReservationChange(null, [.. (await service.CheckAsync(request with { Schedule = null }, ct).ConfigureAwait(false)), .. scheduleErrors]);
        if (change.Reservation is { } created)
        {
            return TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"{Path}?added={created.Id}"));
        }

        var page = Page(service, posted with { Errors = change.Errors }, null);
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    /// <summary>Takes the form only so that its antiforgery token is checked; the ID in the path says what to remove.</summary>
    private static async Task<IResult> RemoveAsync(string id, IFormCollection form, ReservationService service, CancellationToken ct)
    {
        _ = form;
        var removed = ReservationRecords.TryParseId(id, out var n) && await service.RemoveAsync(n, ct).ConfigureAwait(false);
        return removed
            ? TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"{Path}?removed={n}"))
            : Page(service, ReservationForm.Empty, $"Reservation {id} was not found; it may have been removed already.");
    }

    private static RazorComponentResult<ReservationsPage> Page(ReservationService service, ReservationForm form, string? notice) =>
        new(new { Reservations = service.List(), Form = form, Notice = notice });

    private static string? Notice(long? added, long? removed) =>
        added is { } a ? $"Reservation {a} added. Its status goes from starting to ready as its instances load."
        : removed is { } r ? $"Reservation {r} removed. Its instances return to the ordinary idle pool."
        : null;
}
