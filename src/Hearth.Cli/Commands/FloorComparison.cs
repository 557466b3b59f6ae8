using System.Globalization;

namespace Hearth.Cli.Commands;

/// <summary>
/// Hearth against a floor chain measured in the same run, round by round; the ratios are of the medians, since a shared
/// machine moves absolute figures far more than it moves ratios.
/// </summary>
internal sealed class FloorComparison(Uri url, IReadOnlyList<Measurement> hearth, IReadOnlyList<Measurement> floor)
{
    public Uri Url { get; } = url;

    public Measurement Hearth { get; } = Measurement.Median(hearth);

    public Measurement Floor { get; } = Measurement.Median(floor);

    /// <summary>Hearth's calls per second over the floor's: 1 is as fast as the floor.</summary>
    public double ThroughputRatio => Hearth.PerSecond / Floor.PerSecond;

    /// <summary>Hearth's median latency over the floor's: 1 is as fast as the floor.</summary>
    public double P50Ratio => Hearth.P50 / Floor.P50;

    public void Print()
    {
        for (var i = 0; i < floor.Count; i++)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {i + 1}: floor {floor[i].PerSecond:F0} calls/s p50 {floor[i].P50:F3} ms; Hearth {hearth[i].PerSecond:F0} calls/s p50 {hearth[i].P50:F3} ms"));
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"vs floor {Url}: medians of {floor.Count} rounds, throughput {ThroughputRatio:F2}x the floor, p50 {P50Ratio:F2}x the floor"));
    }
}
