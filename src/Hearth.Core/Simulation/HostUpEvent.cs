namespace Hearth.Core.Simulation;

public sealed record HostUpEvent(string Host) : ScenarioEvent;
