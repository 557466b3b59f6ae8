using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Hearth.Supervisor.Health;

/// <summary>The store answers within a bound and its schema is the one this supervisor migrated it to.</summary>
internal sealed class StoreReadiness(IStorageBackend backend) : IHealthCheck
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Bound);
        StoreStatus status;
        try
        {
            status = await backend.CheckAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{backend.Name} store did not answer within {Bound.TotalSeconds:0} s");
        }

        return status.Ready
            ? HealthCheckResult.Healthy($"{backend.Name} store at schema version {status.SchemaVersion}")
            : HealthCheckResult.Unhealthy($"{backend.Name} store: {status.Problem}");
    }
}

/// <summary>The scheduling loop has started and has not ended.</summary>
internal sealed class SchedulerReadiness(Scheduler scheduler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(scheduler.IsRunning
            ? HealthCheckResult.Healthy("the scheduling loop is running")
            : HealthCheckResult.Unhealthy("the scheduling loop is not running"));
}

/// <summary>A stopping supervisor takes no new work, so it stops being ready the moment shutdown begins.</summary>
internal sealed class ShutdownReadiness(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the supervisor is stopping")
            : HealthCheckResult.Healthy("accepting work"));
}
