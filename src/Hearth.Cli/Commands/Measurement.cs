using Hearth.Cli.Client;

namespace Hearth.Cli.Commands;

/// <summary>Latencies of one measurement, in milliseconds, and its throughput.</summary>
internal sealed record Measurement(int Count, double PerSecond, double P50, double P99)
{
    public static Measurement Of(List<double> latencies, TimeSpan elapsed)
    {
        if (latencies.Count == 0)
        {
            throw new CliException("the measurement made no calls");
        }

        latencies.Sort();
        double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new Measurement(latencies.Count, latencies.Count / elapsed.TotalSeconds, At(0.50), At(0.99));
    }

    /// <summary>Each figure's median over the rounds (the middle one, or the lower middle of an even count).</summary>
    public static Measurement Median(IReadOnlyList<Measurement> rounds)
    {
        double Of(Func<Measurement, double> figure) => rounds.Select(figure).Order().ElementAt((rounds.Count - 1) / 2);
        return new Measurement(rounds.Sum(r => r.Count), Of(r => r.PerSecond), Of(r => r.P50), Of(r => r.P99));
    }
}
