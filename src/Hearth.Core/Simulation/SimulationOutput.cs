namespace Hearth.Core.Simulation;

/// <summary>One line of simulator output.</summary>
public abstract record SimulationOutput;
