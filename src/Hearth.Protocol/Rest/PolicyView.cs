namespace Hearth.Protocol.Rest;

/// <summary>
/// Cluster-wide rules the admin sets at run time. <c>highest_user_priority</c>: the highest priority (lowest number; 1
/// runs first) an account key may give a job at submit or modify; 1 leaves accounts every priority.
/// </summary>
public sealed record PolicyView(int HighestUserPriority);
