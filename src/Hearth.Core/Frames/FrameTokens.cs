using System.Globalization;
using System.Text;

namespace Hearth.Core.Frames;

/// <summary>
/// What an item's process sees: its command with the literal <c>QB_FRAME_*</c> tokens replaced, and the same names in its
/// environment. A token after <c>$</c> or <c>${</c> is left for the shell to expand from the environment.
/// </summary>
public static class FrameTokens
{
    /// <summary>Longest names first, so that <c>QB_FRAME_RANGE</c> is not read as a shorter token.</summary>
    private static readonly string[] Names =
        ["QB_PADDED_FRAME_NUMBER", "QB_FRAME_NUMBER", "QB_FRAME_START", "QB_FRAME_END", "QB_FRAME_STEP", "QB_FRAME_RANGE"];

    public static IReadOnlyDictionary<string, string> Values(FrameChunk item, int padding)
    {
        ArgumentNullException.ThrowIfNull(item);
        var number = item.First.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["QB_FRAME_NUMBER"] = number,
            ["QB_PADDED_FRAME_NUMBER"] = Pad(item.First, padding),
            ["QB_FRAME_START"] = number,
            ["QB_FRAME_END"] = item.Last.ToString(CultureInfo.InvariantCulture),
            ["QB_FRAME_STEP"] = item.Step.ToString(CultureInfo.InvariantCulture),
            ["QB_FRAME_RANGE"] = item.RangeText,
        };
    }

    public static IReadOnlyList<string> Replace(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(values);
        var result = new string[argv.Count];
        for (var i = 0; i < argv.Count; i++)
        {
            result[i] = ReplaceIn(argv[i], values);
        }

        return result;
    }

    public static string Pad(int frame, int padding)
    {
        var digits = Math.Abs((long)frame).ToString(CultureInfo.InvariantCulture).PadLeft(padding, '0');
        return frame < 0 ? "-" + digits : digits;
    }

    private static string ReplaceIn(string arg, IReadOnlyDictionary<string, string> values)
    {
        if (!arg.Contains("QB_", StringComparison.Ordinal))
        {
            return arg;
        }

        var text = new StringBuilder(arg.Length);
        var i = 0;
        while (i < arg.Length)
        {
            var name = i + 3 <= arg.Length && string.CompareOrdinal(arg, i, "QB_", 0, 3) == 0 ? Match(arg, i) : null;
            if (name is null)
            {
                text.Append(arg[i]);
                i++;
                continue;
            }

            var shell = (i >= 1 && arg[i - 1] == '$') || (i >= 2 && arg[i - 1] == '{' && arg[i - 2] == '$');
            text.Append(shell ? name : values[name]);
            i += name.Length;
        }

        return text.ToString();
    }

    private static string? Match(string arg, int at)
    {
        foreach (var name in Names)
        {
            if (string.CompareOrdinal(arg, at, name, 0, name.Length) == 0)
            {
                return name;
            }
        }

        return null;
    }
}
