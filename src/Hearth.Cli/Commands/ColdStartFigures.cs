namespace Hearth.Cli.Commands;

/// <summary>The slowest first call (a cold start), and where the first caller's cold start went by the reply's metadata.</summary>
internal sealed record ColdStartFigures(double SlowestMs, IReadOnlyDictionary<string, double> StepsMs)
{
    /// <summary><c>metadata.cold_start_steps</c> in milliseconds, in its order; empty when the reply has none.</summary>
    public static IReadOnlyDictionary<string, double> Steps(byte[] body)
    {
        using var reply = System.Text.Json.JsonDocument.Parse(body);
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        if (reply.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("cold_start_steps", out var figures))
        {
            foreach (var step in figures.EnumerateObject())
            {
                steps[step.Name] = step.Value.GetDouble() * 1000;
            }
        }

        return steps;
    }
}
