using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// Probes for process managers and load balancers, without a key: <c>/healthz</c> (liveness: the process
/// serves HTTP) and <c>/readyz</c> (readiness: the store answers with its schema current, the scheduling loop
/// runs, and the supervisor is not stopping). Both answer JSON naming each check; readiness is 503 when any fails.
/// </summary>
internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddHealthProbes(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: [ReadyTag])
            .AddCheck<SchedulerReadiness>("scheduler", tags: [ReadyTag])
            .AddCheck<ShutdownReadiness>("shutdown", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Health").WithSummary("Liveness: 200 while the process serves requests");
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Health").WithSummary("Readiness: store reachable with its schema current, scheduling loop running, not stopping");
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var view = new HealthView(
            report.Status == HealthStatus.Healthy ? "ok" : "unavailable",
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckView(e.Value.Status == HealthStatus.Healthy ? "ok" : "failing", e.Value.Description ?? "")));
        return JsonSerializer.SerializeAsync(context.Response.Body, view, ApiJson.Options, context.RequestAborted);
    }
}
