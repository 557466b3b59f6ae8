namespace Hearth.Core.Simulation;

public sealed record FinishEvent(string Id) : ScenarioEvent;
