namespace Hearth.Core.Simulation;

/// <summary>What one benchmark run measured.</summary>
public sealed record PlacementBenchmarkResult(int Hosts, int Jobs, long Dispatches, long Grows, long Cycles, TimeSpan Elapsed)
{
    public long Decisions => Dispatches + Grows;

    public double DecisionsPerSecond => Decisions / Elapsed.TotalSeconds;
}
