using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
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
        app.MapDelete("/v1/instances/{id}", Stop).RequireAuthorization(HearthAuth.AdminPolicy).WithTags("Algorithms")
            .WithSummary("Stop a starting or idle instance; a reservation that held it starts a replacement. A busy one is refused: its call's timeout bounds it");
        return app;
    }

    private static Results<Accepted<InstanceItemView>, ProblemHttpResult> Stop(string id, InstancePool pool)
    {
        var before = pool.List().FirstOrDefault(i => i.Id == id);
        switch (pool.Stop(id))
        {
            case InstanceStopResult.NotFound:
                return Problems.NotFound($"instance {id} not found");
            case InstanceStopResult.Busy:
                return Problems.Conflict($"instance {id} is serving a call; stop it once the call ends (the call's timeout bounds how long that takes)");
        }

        // One that never reached a worker is gone already; one on a worker is stopping until its exit report.
        var after = pool.List().FirstOrDefault(i => i.Id == id) ?? before! with { State = "stopped" };
        return TypedResults.Accepted((string?)null, View(after));
    }

    private static InstanceItemView View(InstanceView i, string? isolation = null) =>
        new(i.Id, i.Account, i.Algorithm, i.Hash, i.Version, i.Worker, i.State, i.Reserved, i.LastUsed, i.CreatedAt, i.CallsServed, isolation);

    private static async Task<Ok<InstanceListView>> ListAsync(HttpContext context, InstancePool pool, AccountService accounts, Scheduler scheduler)
    {
        var caller = await AccountEndpoints.CallerAsync(context.User, accounts, context.RequestAborted).ConfigureAwait(false);

        // An instance is isolated as its worker is: the worker reports it once, at registration.
        var isolation = scheduler.View.Workers.ToDictionary(w => w.Name, w => w.Isolation, StringComparer.Ordinal);
        var instances = pool.List()
            .Where(i => caller is null || i.Account == caller.Account)
            .Select(i => View(i, i.Worker is { } worker ? isolation.GetValueOrDefault(worker) : null))
            .ToList();
        return TypedResults.Ok(new InstanceListView(instances));
    }
}
