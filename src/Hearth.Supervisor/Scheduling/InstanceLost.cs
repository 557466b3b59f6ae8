namespace Hearth.Supervisor.Scheduling;

/// <summary>The instance is gone (with its worker, or its worker no longer runs it); the loop has already released its work.</summary>
public sealed record InstanceLost(string InstanceId, string Reason, bool DuringLoad) : InstanceEffect;
