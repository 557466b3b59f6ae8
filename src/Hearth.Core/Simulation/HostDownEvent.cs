namespace Hearth.Core.Simulation;

public sealed record HostDownEvent(string Host) : ScenarioEvent;
