using Hearth.Core.Placement;

namespace Hearth.Core.Simulation;

public sealed record GrowOutput(string Id, string Host, Allocation Allocations) : SimulationOutput;
