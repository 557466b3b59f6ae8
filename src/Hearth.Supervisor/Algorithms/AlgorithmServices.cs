using Hearth.Core.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Endpoints;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hearth.Supervisor.Algorithms;

/// <summary>The algorithm side of the supervisor: accounts, the build store, the catalog, the warm pool and metrics.</summary>
internal static class AlgorithmServices
{
    public static IServiceCollection AddAlgorithms(this IServiceCollection services, SupervisorOptions options, IStorageBackend backend)
    {
        var settings = new InstancePoolSettings(
            new WarmPoolSettings(options.IdleTimeout, options.InstanceMinResidency),
            options.InstanceLoadTimeout,
            options.KillGrace);
        services.AddSingleton(backend.Accounts);
        services.AddSingleton(backend.Algorithms);
        services.AddSingleton<AccountService>();
        services.AddSingleton(new BuildStore(options.DataDirectory));
        services.AddSingleton<AlgorithmCatalog>();
        services.AddSingleton(settings);
        services.AddSingleton<AlgorithmMetrics>();
        services.AddSingleton<BuildGrants>();
        // The loop's inbox and its published sessions, which the loop takes from the container too: the pool posts
        // to and sends on the same ones.
        services.TryAddSingleton<SchedulerInbox>();
        services.TryAddSingleton<WorkerSessions>();
        services.AddSingleton<IInstanceWorkRequests>(sp => sp.GetRequiredService<SchedulerInbox>());
        services.AddSingleton<InstanceTransport>();
        services.AddSingleton<IInstanceTransport>(sp => sp.GetRequiredService<InstanceTransport>());
        services.AddSingleton<InstancePool>();
        services.AddSingleton<InstanceBridge>();
        services.AddSingleton<IInstanceWork>(sp => sp.GetRequiredService<InstanceBridge>());
        services.AddSingleton<InstanceKeys>();
        services.AddSingleton<AlgorithmCalls>();
        // The exporter takes the meters this container's factory made, and no other: AddMeter would listen by name
        // across the whole process, so a second supervisor host in it (a test's, a standby's) would count into this
        // one's page, and disposing it would take this one's instruments off the page.
        services.AddMetrics(metrics => metrics.EnableMetrics(AlgorithmMetrics.MeterName, scopes: MeterScope.Local));
        // A scrape reads the counters as they are: the exporter's default 300 ms cache would answer a scrape right after
        // a call with the page from before it, and Prometheus scrapes seconds apart anyway.
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("hearth-supervisor", serviceVersion: SupervisorHost.Version))
            .WithMetrics(metrics => metrics.AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static IEndpointRouteBuilder MapAlgorithms(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapAlgorithmEndpoints();
        app.MapCallEndpoints();
        app.MapInstanceEndpoints();
        // Call counts by account-visible status and instance churn describe the whole cluster: for operators only.
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(HearthAuth.AdminPolicy);
        return app;
    }
}
