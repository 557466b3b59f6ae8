namespace Hearth.Core.Simulation;

/// <summary>One event of a scenario.</summary>
public abstract record ScenarioEvent;
