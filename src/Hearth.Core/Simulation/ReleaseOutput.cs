namespace Hearth.Core.Simulation;

public sealed record ReleaseOutput(string Id, string Host) : SimulationOutput;
