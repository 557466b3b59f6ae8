using Hearth.Core.Placement;

namespace Hearth.Core.Simulation;

public sealed record EndOutput(IReadOnlyList<string> Pending, IReadOnlyList<RunningWork> Running) : SimulationOutput;
