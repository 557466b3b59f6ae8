using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary><c>/v1/instances</c>: the algorithm instances, starting, idle, busy or stopping. An account key sees its own.</summary>
internal static class InstanceEndpoints
{
    public static IEndpointRouteBuilder MapInstanceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/instances", ListAsync).RequireAuthorization(HearthAuth.ApiPolicy).WithTags("Algorithms")
            .WithSummary("Algorithm instances with their account, build, worker, state and last use");
        return app;
    }

    private static async Task<Ok<InstanceListView>> ListAsync(HttpContext context, InstancePool pool, AccountService accounts)
    {
        var caller = await AccountEndpoints.CallerAsync(context.User, accounts, context.RequestAborted).ConfigureAwait(false);
        var instances = pool.List()
            .Where(i => caller is null || i.Account == caller.Account)
            .Select(i => new InstanceItemView(i.Id, i.Account, i.Algorithm, i.Hash, i.Version, i.Worker, i.State, i.Reserved, i.LastUsed, i.CreatedAt, i.CallsServed))
            .ToList();
        return TypedResults.Ok(new InstanceListView(instances));
    }
}
