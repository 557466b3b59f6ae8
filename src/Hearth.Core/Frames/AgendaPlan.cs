using System.Globalization;

namespace Hearth.Core.Frames;

/// <summary>How an agenda job's range is cut into work items: the checked <c>--range</c>, <c>--chunk</c>, <c>--padding</c> and <c>--order</c>.</summary>
public sealed record AgendaPlan(FrameRange Range, int Chunk, int Padding, FrameOrder Order)
{
    public const int MaxPadding = 32;

    /// <summary>Checks each field and names the one that is wrong: <c>range: item 2 "5-1x0": the step must be at least 1</c>.</summary>
    public static AgendaPlan Parse(string range, int? chunk, int? padding, string? order)
    {
        FrameRange parsed;
        try
        {
            parsed = FrameRange.Parse(range);
        }
        catch (FrameRangeSyntaxException e)
        {
            throw new FrameRangeSyntaxException($"range: {e.Message}");
        }

        var size = chunk ?? 1;
        if (size < 1)
        {
            throw new FrameRangeSyntaxException(string.Create(CultureInfo.InvariantCulture, $"chunk: {size} is not allowed; an item holds at least 1 frame"));
        }

        var pad = padding ?? 0;
        if (pad is < 0 or > MaxPadding)
        {
            throw new FrameRangeSyntaxException(string.Create(CultureInfo.InvariantCulture, $"padding: {pad} is not allowed; it is 0 to {MaxPadding} digits"));
        }

        return new AgendaPlan(parsed, size, pad, ParseOrder(order));
    }

    public static FrameOrder ParseOrder(string? order) => order?.Trim().ToLowerInvariant() switch
    {
        null or "" or "ascending" => FrameOrder.Ascending,
        "descending" => FrameOrder.Descending,
        "binary" => FrameOrder.Binary,
        _ => throw new FrameRangeSyntaxException($"order: \"{order}\" is not one of ascending, descending, binary"),
    };

    public static string OrderText(FrameOrder order) => order switch
    {
        FrameOrder.Descending => "descending",
        FrameOrder.Binary => "binary",
        _ => "ascending",
    };

    /// <summary>The frames in hand-out order.</summary>
    public IReadOnlyList<int> OrderedFrames() => Ordered(Range.Frames, Order);

    /// <summary>The work items, in hand-out order.</summary>
    public IReadOnlyList<FrameChunk> Items() => Cut(OrderedFrames(), Chunk);

    public static IReadOnlyList<int> Ordered(IReadOnlyList<int> ascending, FrameOrder order)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        return order switch
        {
            FrameOrder.Descending => [.. ascending.Reverse()],
            FrameOrder.Binary => Binary(ascending),
            _ => ascending,
        };
    }

    public static IReadOnlyList<FrameChunk> Cut(IReadOnlyList<int> frames, int chunk)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var items = new FrameChunk[(frames.Count + chunk - 1) / chunk];
        for (var i = 0; i < items.Length; i++)
        {
            var start = i * chunk;
            var count = Math.Min(chunk, frames.Count - start);
            var part = new int[count];
            for (var k = 0; k < count; k++)
            {
                part[k] = frames[start + k];
            }

            items[i] = new FrameChunk(part);
        }

        return items;
    }

    /// <summary>First, last, middle, then the middles of each half, breadth first.</summary>
    private static int[] Binary(IReadOnlyList<int> sorted)
    {
        var n = sorted.Count;
        if (n <= 2)
        {
            return [.. sorted];
        }

        var order = new int[n];
        var at = 0;
        order[at++] = sorted[0];
        order[at++] = sorted[n - 1];
        var spans = new Queue<(int Lo, int Hi)>();
        spans.Enqueue((0, n - 1));
        while (spans.Count > 0)
        {
            var (lo, hi) = spans.Dequeue();
            if (hi - lo < 2)
            {
                continue;
            }

            var mid = lo + ((hi - lo) / 2);
            order[at++] = sorted[mid];
            spans.Enqueue((lo, mid));
            spans.Enqueue((mid, hi));
        }

        return order;
    }
}
