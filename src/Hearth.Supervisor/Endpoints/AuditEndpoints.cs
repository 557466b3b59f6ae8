using Hearth.Protocol.Rest;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary><c>/v1/resources/audit</c>: the ledger checked against the live allocations, for operators and for tests after a restart.</summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/resources/audit", AuditAsync)
            .RequireAuthorization(HearthAuth.AdminPolicy)
            .WithTags("Resources")
            .WithSummary("Every resource's used count checked against the sum of live allocations");
        return app;
    }

    private static async Task<Results<Ok<LedgerAuditView>, ProblemHttpResult>> AuditAsync(Scheduler scheduler)
    {
        return TypedResults.Ok(await scheduler.AuditAsync().ConfigureAwait(false));
    }
}
