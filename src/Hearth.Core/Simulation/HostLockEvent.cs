namespace Hearth.Core.Simulation;

/// <summary>An admin locks a host (no new work, running work stays) or unlocks it.</summary>
public sealed record HostLockEvent(string Host, bool Locked) : ScenarioEvent;
