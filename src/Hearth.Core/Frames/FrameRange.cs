using System.Globalization;

namespace Hearth.Core.Frames;

/// <summary>
/// A parsed frame range in Qube!'s syntax: comma-separated items, each <c>A</c>, <c>A-B</c> or <c>A-BxS</c>,
/// negative frames allowed (<c>-10--1</c>) and descending when A &gt; B. Duplicates are dropped.
/// </summary>
public sealed class FrameRange
{
    /// <summary>The most frames one range may hold; more is refused before anything is expanded.</summary>
    public const int MaxFrames = 1_000_000;

    private FrameRange(int[] frames) => Frames = frames;

    /// <summary>The distinct frames, ascending.</summary>
    public IReadOnlyList<int> Frames { get; }

    public int Count => Frames.Count;

    public static FrameRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FrameRangeSyntaxException("range is empty: expected frames such as 1-100, 1-99x2 or 1,5,10");
        }

        var raw = text.Split(',');
        var items = new (long Start, long End, long Step)[raw.Length];
        long total = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            items[i] = ParseItem(raw[i].Trim(), i + 1);
            total += Size(items[i]);
            if (total > MaxFrames)
            {
                throw new FrameRangeSyntaxException(
                    $"item {i + 1} \"{raw[i].Trim()}\": the range holds more than {MaxFrames.ToString("N0", CultureInfo.InvariantCulture)} frames");
            }
        }

        var frames = new int[total];
        var n = 0;
        foreach (var (start, end, step) in items)
        {
            var direction = end >= start ? 1 : -1;
            for (var f = start; direction > 0 ? f <= end : f >= end; f += direction * step)
            {
                frames[n++] = (int)f;
            }
        }

        Array.Sort(frames);
        var distinct = 0;
        for (var k = 0; k < frames.Length; k++)
        {
            if (k == 0 || frames[k] != frames[distinct - 1])
            {
                frames[distinct++] = frames[k];
            }
        }

        Array.Resize(ref frames, distinct);
        return new FrameRange(frames);
    }

    public static bool TryParse(string text, out FrameRange? range, out string? error)
    {
        try
        {
            range = Parse(text);
            error = null;
            return true;
        }
        catch (FrameRangeSyntaxException e)
        {
            range = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The canonical text: the shortest range string for these frames.</summary>
    public override string ToString() => RangeText.Format(Frames);

    private static long Size((long Start, long End, long Step) item) =>
        (Math.Abs(item.End - item.Start) / item.Step) + 1;

    private static (long Start, long End, long Step) ParseItem(string item, int position)
    {
        string Fail(string why) => $"item {position} \"{item}\": {why}";

        if (item.Length == 0)
        {
            throw new FrameRangeSyntaxException($"item {position} is empty");
        }

        var at = 0;
        var start = ReadFrame(item, ref at, Fail);
        if (at == item.Length)
        {
            return (start, start, 1);
        }

        if (item[at] != '-')
        {
            throw new FrameRangeSyntaxException(Fail($"unexpected '{item[at]}': expected A, A-B or A-BxS"));
        }

        at++;
        var end = ReadFrame(item, ref at, Fail);
        if (at == item.Length)
        {
            return (start, end, 1);
        }

        if (item[at] is not ('x' or 'X'))
        {
            throw new FrameRangeSyntaxException(Fail($"unexpected '{item[at]}': expected A, A-B or A-BxS"));
        }

        at++;
        var stepText = item[at..].Trim();
        if (stepText.Length == 0)
        {
            throw new FrameRangeSyntaxException(Fail("the step after 'x' is missing"));
        }

        if (!long.TryParse(stepText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var step))
        {
            throw new FrameRangeSyntaxException(Fail($"the step \"{stepText}\" is not a whole number"));
        }

        if (step < 1)
        {
            throw new FrameRangeSyntaxException(Fail("the step must be at least 1"));
        }

        return (start, end, Math.Min(step, uint.MaxValue));
    }

    private static long ReadFrame(string item, ref int at, Func<string, string> fail)
    {
        while (at < item.Length && item[at] == ' ')
        {
            at++;
        }

        var begin = at;
        if (at < item.Length && item[at] == '-')
        {
            at++;
        }

        var digits = at;
        while (at < item.Length && char.IsAsciiDigit(item[at]))
        {
            at++;
        }

        if (at == digits)
        {
            throw new FrameRangeSyntaxException(fail(at < item.Length
                ? $"unexpected '{item[at]}': a frame is a whole number"
                : "a frame number is missing"));
        }

        var text = item[begin..at];
        while (at < item.Length && item[at] == ' ')
        {
            at++;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var frame))
        {
            throw new FrameRangeSyntaxException(fail($"frame {text} is out of range ({int.MinValue} to {int.MaxValue})"));
        }

        return frame;
    }
}
