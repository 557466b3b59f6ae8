using System.Text.Json;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Reservations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// <c>/v1/admin/reservations</c>: keep N warm instances of an algorithm version for one calling account. Admin key only:
/// no key is 401, any other key 403. A refused reservation is a 400 whose <c>errors</c> map each field to its messages.
/// </summary>
internal static class ReservationEndpoints
{
    private const string Example =
        "{\"calling_user\": \"alice\", \"algorithm\": \"acme/model\", \"version_type\": \"latest_public\", \"count\": 2}"
        + " or Algorithmia's {\"calling_user\": \"alice\", \"username\": \"acme\", \"algoname\": \"model\", \"version_type\": \"latest_public\", \"num_slots\": 2}";

    public static IEndpointRouteBuilder MapReservationEndpoints(this IEndpointRouteBuilder app)
    {
        var reservations = app.MapGroup("/v1/admin/reservations").RequireAuthorization(HearthAuth.AdminPolicy).WithTags("Reservations");
        reservations.MapGet("", (ReservationService service) => TypedResults.Ok(new ReservationListView(service.List())))
            .WithSummary("Reservations with their live status: desired, ready and starting counts, state and reason");
        reservations.MapPost("", CreateAsync).Accepts<CreateReservationRequest>("application/json")
            .WithSummary("Keep count warm instances of an algorithm version for a calling account");
        reservations.MapGet("/{id}", (string id, ReservationService service) =>
                ReservationRecords.TryParseId(id, out var n) && service.Find(n) is { } view
                    ? (Results<Ok<ReservationView>, ProblemHttpResult>)TypedResults.Ok(view)
                    : NotFound(id))
            .WithSummary("One reservation with its live status");
        reservations.MapPatch("/{id}", UpdateAsync).Accepts<UpdateReservationRequest>("application/json")
            .WithSummary("Change a reservation's count; instances start or return to the idle pool without a restart");
        reservations.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Remove a reservation; its instances return to the ordinary idle pool");
        return app;
    }

    private static async Task<Results<Created<ReservationView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ReservationService service)
    {
        var body = await ReadAsync<CreateReservationRequest>(request).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (ReservationService.ShapeErrors(body.Value!) is { Count: > 0 } shapeErrors)
        {
            return Invalid(shapeErrors);
        }

        var change = await service.AddAsync(ReservationService.FromBody(body.Value!), request.HttpContext.RequestAborted).ConfigureAwait(false);
        return change.Reservation is { } created
            ? TypedResults.Created($"/v1/admin/reservations/{created.Id}", created)
            : Invalid(change.Errors);
    }

    private static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ReservationService service)
    {
        if (!ReservationRecords.TryParseId(id, out var n))
        {
            return NotFound(id);
        }

        var body = await ReadAsync<UpdateReservationRequest>(request).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var change = await service.SetCountAsync(n, ReservationService.JsonText(body.Value!.Count), request.HttpContext.RequestAborted).ConfigureAwait(false);
        return change.NotFound ? NotFound(id)
            : change.Reservation is { } updated ? TypedResults.Ok(updated)
            : Invalid(change.Errors);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ReservationService service, CancellationToken ct) =>
        ReservationRecords.TryParseId(id, out var n) && await service.RemoveAsync(n, ct).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : NotFound(id);

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"reservation {id} not found");

    private static ValidationProblem Invalid(IReadOnlyList<FieldError> errors) => TypedResults.ValidationProblem(
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        detail: string.Join("; ", errors.Select(e => e.Message)),
        title: "The reservation is not valid");

    private static Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request)
        where T : class => BindingExceptionHandler.ReadJsonAsync<T>(request, Example);
}
