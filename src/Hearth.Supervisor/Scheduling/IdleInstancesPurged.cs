namespace Hearth.Supervisor.Scheduling;

/// <summary>A purge of <paramref name="Worker"/>: its idle instances that no reservation holds are stopped.</summary>
public sealed record IdleInstancesPurged(string Worker, string Reason) : InstanceEffect;
