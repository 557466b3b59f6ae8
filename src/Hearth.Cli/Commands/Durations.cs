using System.Globalization;

namespace Hearth.Cli.Commands;

/// <summary>Durations on the command line: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or plain seconds.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration, out string? error)
    {
        duration = default;
        var t = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        var scale = 1.0;
        foreach (var (suffix, unit) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && (suffix != "s" || !t.EndsWith("ms", StringComparison.Ordinal)))
            {
                t = t[..^suffix.Length];
                scale = unit;
                break;
            }
        }

        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
        {
            error = $"duration \"{text}\" is not valid: use a positive number with ms, s, m or h, e.g. 30s";
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        error = null;
        return true;
    }
}
