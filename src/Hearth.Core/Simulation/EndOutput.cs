using Hearth.Core.Placement;

namespace Hearth.Core.Simulation;

/// <summary>What is left at the end; <see cref="Quota"/> holds why pending work waits on its account's quota, by ID.</summary>
public sealed record EndOutput(IReadOnlyList<string> Pending, IReadOnlyList<RunningWork> Running) : SimulationOutput
{
    public IReadOnlyList<KeyValuePair<string, string>> Quota { get; init; } = [];
}
