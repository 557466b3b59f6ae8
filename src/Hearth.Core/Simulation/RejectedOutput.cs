namespace Hearth.Core.Simulation;

public sealed record RejectedOutput(string Id, string Error) : SimulationOutput;
