using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Hearth.Supervisor.Health;

/// <summary>A stopping supervisor takes no new work, so it stops being ready the moment shutdown begins.</summary>
internal sealed class ShutdownReadiness(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the supervisor is stopping")
            : HealthCheckResult.Healthy("accepting work"));
}
