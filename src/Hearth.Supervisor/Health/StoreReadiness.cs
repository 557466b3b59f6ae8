using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
