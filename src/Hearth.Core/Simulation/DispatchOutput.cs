using Hearth.Core.Placement;

namespace Hearth.Core.Simulation;

public sealed record DispatchOutput(string Id, string Host, Allocation Allocations) : SimulationOutput;
