using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hearth.Supervisor.Health;

/// <summary>The scheduling loop has started and has not ended.</summary>
internal sealed class SchedulerReadiness(Scheduler scheduler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(scheduler.IsRunning
            ? HealthCheckResult.Healthy("the scheduling loop is running")
            : HealthCheckResult.Unhealthy("the scheduling loop is not running"));
}
