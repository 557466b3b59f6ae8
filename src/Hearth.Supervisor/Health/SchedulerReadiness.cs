using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hearth.Supervisor.Health;

/// <summary>The scheduling loop has started, has not ended, and is not waiting for its store.</summary>
internal sealed class SchedulerReadiness(Scheduler scheduler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !scheduler.IsRunning ? HealthCheckResult.Unhealthy("the scheduling loop is not running")
            : scheduler.StoreTrouble is { } trouble ? HealthCheckResult.Unhealthy($"the scheduling loop waits for the store: {trouble.Message}")
            : HealthCheckResult.Healthy("the scheduling loop is running"));
}
