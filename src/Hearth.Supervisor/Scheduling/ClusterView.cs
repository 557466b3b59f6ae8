using Hearth.Core.Placement;
using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The cluster as the loop last saw it: workers with total/used/free, global resources, queue sizes, and what limited accounts hold.</summary>
public sealed record ClusterView(
    IReadOnlyList<WorkerView> Workers,
    IReadOnlyList<ResourceUsageView> Global,
    int PendingSubjobs,
    int RunningSubjobs,
    DateTimeOffset At)
{
    public static readonly ClusterView Empty = new([], [], 0, 0, DateTimeOffset.UnixEpoch);

    public QuotaSnapshot Quotas { get; init; } = QuotaSnapshot.Empty;
}
