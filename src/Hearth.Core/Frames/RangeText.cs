using System.Globalization;
using System.Text;

namespace Hearth.Core.Frames;

/// <summary>Prints frames back as the shortest range string made of ascending runs, e.g. <c>1-13x2</c> or <c>1-3,7,10-20x5</c>.</summary>
public static class RangeText
{
    public static string Format(IEnumerable<int> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var sorted = frames.Distinct().Order().ToArray();
        var n = sorted.Length;
        if (n == 0)
        {
            return "";
        }

        // runEnd[i]: the last index of the longest evenly stepped run starting at i.
        var runEnd = new int[n];
        runEnd[n - 1] = n - 1;
        for (var i = n - 2; i >= 0; i--)
        {
            runEnd[i] = i + 2 < n && (long)sorted[i + 2] - sorted[i + 1] == (long)sorted[i + 1] - sorted[i] ? runEnd[i + 1] : i + 1;
        }

        // Cutting a run anywhere but at its last two places only adds a token, so these are the only choices worth weighing;
        // on a tie the longer run wins, so that 1,3,5 reads 1-5x2.
        var cost = new long[n + 1];
        var next = new int[n];
        for (var i = n - 1; i >= 0; i--)
        {
            cost[i] = long.MaxValue;
            foreach (var j in (ReadOnlySpan<int>)[runEnd[i], runEnd[i] - 1, i + 1, i])
            {
                if (j < i || j >= n || j > runEnd[i])
                {
                    continue;
                }

                var c = Token(sorted, i, j).Length + (j + 1 < n ? 1 + cost[j + 1] : 0);
                if (c < cost[i])
                {
                    cost[i] = c;
                    next[i] = j;
                }
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < n; i = next[i] + 1)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Token(sorted, i, next[i]));
        }

        return text.ToString();
    }

    private static string Token(int[] sorted, int i, int j)
    {
        var first = sorted[i].ToString(CultureInfo.InvariantCulture);
        if (i == j)
        {
            return first;
        }

        var last = sorted[j].ToString(CultureInfo.InvariantCulture);
        var step = (long)sorted[i + 1] - sorted[i];
        if (j == i + 1 && step != 1)
        {
            return first + "," + last;
        }

        return step == 1 ? $"{first}-{last}" : $"{first}-{last}x{step.ToString(CultureInfo.InvariantCulture)}";
    }
}
