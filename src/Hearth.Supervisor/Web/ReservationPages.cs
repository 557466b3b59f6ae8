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
/// rules as the API, messages beside each field) and a per-row action menu to change a reservation's count or remove it.
/// Every change is a form post with an antiforgery token, so the page works without JavaScript; the script only makes
/// the dialogs modal and refreshes the table. Admin sign-in only, like the whole area.
/// </summary>
public static class ReservationPages
{
    public const string Path = "/admin/reservations";
    public const string LivePath = "/admin/reservations/live";

    public static string RemovePath(long id) => string.Create(CultureInfo.InvariantCulture, $"{Path}/{id}/remove");

    /// <summary>The Change count form of reservation <paramref name="id"/>: shown by a GET, changed by a POST.</summary>
    public static string CountPath(long id) => string.Create(CultureInfo.InvariantCulture, $"{Path}/{id}/count");

    public static IEndpointRouteBuilder MapReservationPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy);
        pages.MapGet("", (ReservationService service, long? added, long? removed, long? changed, int? count) =>
            Page(service, ReservationForm.Empty, Notice(added, removed, changed, count)));
        pages.MapGet("/live", (ReservationService service) =>
            new RazorComponentResult<ReservationsTable>(new { Reservations = service.List() }));
        pages.MapPost("", AddAsync);
        pages.MapPost("/{id}/remove", RemoveAsync);
        pages.MapGet("/{id}/count", ShowCount);
        pages.MapPost("/{id}/count", ChangeCountAsync);
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

    /// <summary>The page with the Change count dialog open: what a row's menu item leads to when no script intercepts it.</summary>
    private static RazorComponentResult<ReservationsPage> ShowCount(string id, ReservationService service) =>
        ReservationRecords.TryParseId(id, out var n) && service.Find(n) is { } reservation
            ? Page(service, ReservationForm.Empty, null, ReservationCountForm.For(reservation))
            : Gone(service, id);

    /// <summary>
    /// Sets the count through <see cref="ReservationService.SetCountAsync"/>, as <c>PATCH /v1/admin/reservations/{id}</c>
    /// does: a refused count reopens the dialog with the reason beside the field, a reservation removed meanwhile says so.
    /// </summary>
    private static async Task<IResult> ChangeCountAsync(string id, IFormCollection form, ReservationService service, CancellationToken ct)
    {
        if (!ReservationRecords.TryParseId(id, out var n) || service.Find(n) is null)
        {
            return Gone(service, id);
        }

        var posted = ReservationCountForm.Of(n, form);
        var change = await service.SetCountAsync(n, posted.Count, ct).ConfigureAwait(false);
        if (change.Reservation is { } updated)
        {
            return TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"{Path}?changed={n}&count={updated.Count}"));
        }

        if (change.NotFound || service.Find(n) is null)
        {
            return Gone(service, id);
        }

        var page = Page(service, ReservationForm.Empty, null, posted with { Errors = change.Errors });
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private static RazorComponentResult<ReservationsPage> Gone(ReservationService service, string id)
    {
        var page = Page(service, ReservationForm.Empty, $"Reservation {id} was not found; it may have been removed, so its count was not changed.");
        page.StatusCode = StatusCodes.Status404NotFound;
        return page;
    }

    private static RazorComponentResult<ReservationsPage> Page(
        ReservationService service, ReservationForm form, string? notice, ReservationCountForm? countForm = null) =>
        new(new { Reservations = service.List(), Form = form, Notice = notice, CountForm = countForm });

    private static string? Notice(long? added, long? removed, long? changed, int? count) =>
        added is { } a ? $"Reservation {a} added. Its status goes from starting to ready as its instances load."
        : removed is { } r ? $"Reservation {r} removed. Its instances return to the ordinary idle pool."
        : changed is { } c && count is { } n ? string.Create(CultureInfo.InvariantCulture,
            $"Reservation {c}'s count is now {n}. Its status follows as instances start or return to the ordinary idle pool.")
        : null;
}
