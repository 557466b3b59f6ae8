namespace Hearth.Protocol.Rest;

/// <summary>
/// A worker; <c>locked</c>: an admin locked it, so it takes no new work (its running work finishes).
/// <c>properties</c>: what jobs' requirements read besides resources. <c>account_jobs</c>: whether it runs the jobs of
/// accounts other than admin: <c>sandbox</c>, <c>unisolated</c> (its admin allowed it) or <c>refused: WHY</c>.
/// </summary>
public sealed record WorkerView(
    string Name,
    string State,
    DateTimeOffset? LastSeenAt,
    int Running,
    IReadOnlyList<ResourceUsageView> Resources,
    string Isolation = "none",
    bool Locked = false,
    WorkerPropertiesView? Properties = null,
    string AccountJobs = "");
