namespace Hearth.Supervisor.Scheduling;

/// <summary>The instance's work was dispatched to <paramref name="Worker"/>: the pool starts it there, or releases it when no longer wanted.</summary>
public sealed record InstancePlaced(string InstanceId, string Worker) : InstanceEffect;
