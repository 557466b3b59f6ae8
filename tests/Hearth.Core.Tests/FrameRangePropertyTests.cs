using CsCheck;
using Hearth.Core.Frames;

namespace Hearth.Core.Tests;

/// <summary>The frame range language over generated input: expansion, ordering, chunking and printing back.</summary>
public sealed class FrameRangePropertyTests
{
    /// <summary>One item as text with the frames it means.</summary>
    private static readonly Gen<(string Text, int[] Frames)> Item =
        Gen.Select(Gen.Int[-50, 200], Gen.Int[-50, 200], Gen.Int[1, 12], Gen.Int[0, 2])
            .Select((a, b, step, form) => form switch
            {
                0 => ($"{a}", new[] { a }),
                1 => ($"{a}-{b}", Expand(a, b, 1)),
                _ => ($"{a}-{b}x{step}", Expand(a, b, step)),
            });

    private static readonly Gen<string> Text =
        Item.Array[1, 6].Select(items => string.Join(',', items.Select(i => i.Text)));

    [Fact]
    public void ExpansionHoldsExactlyTheWrittenFramesSortedAndUnique()
    {
        Item.Array[1, 6].Sample(items =>
        {
            var range = FrameRange.Parse(string.Join(',', items.Select(i => i.Text)));

            var expected = items.SelectMany(i => i.Frames).Distinct().Order().ToArray();
            Assert.Equal(expected, range.Frames);
        }, iter: 2000);
    }

    [Fact]
    public void AnyFrameListPrintsBackToTheSameFrames()
    {
        Gen.Int[-1000, 1000].Array[1, 60].Sample(frames =>
        {
            var text = RangeText.Format(frames);

            Assert.Equal(frames.Distinct().Order(), FrameRange.Parse(text).Frames);
            Assert.Equal(text, RangeText.Format(FrameRange.Parse(text).Frames));
        }, iter: 2000);
    }

    [Fact]
    public void PrintedTextIsNeverLongerThanTheTextWrittenAsOneRun()
    {
        Gen.Select(Gen.Int[-500, 500], Gen.Int[0, 300], Gen.Int[1, 20]).Sample((a, count, step) =>
        {
            var written = count == 0 ? $"{a}" : $"{a}-{a + (count * step)}x{step}";

            Assert.True(FrameRange.Parse(written).ToString().Length <= written.Length);
        }, iter: 2000);
    }

    [Fact]
    public void ChunksCoverEveryFrameExactlyOnceInEveryOrder()
    {
        Gen.Select(Text, Gen.Int[1, 9], Gen.Int[0, 2]).Sample((text, chunk, order) =>
        {
            var plan = AgendaPlan.Parse(text, chunk, 0, ((FrameOrder)order).ToString());

            var items = plan.Items();

            Assert.Equal(plan.Range.Frames, items.SelectMany(i => i.Frames).Order());
            Assert.All(items.SkipLast(1), i => Assert.Equal(chunk, i.Frames.Count));
            Assert.InRange(items[^1].Frames.Count, 1, chunk);
        }, iter: 1000);
    }

    [Fact]
    public void AscendingAndDescendingOrdersAreSortedAndUnique()
    {
        Text.Sample(text =>
        {
            var up = AgendaPlan.Parse(text, 1, 0, "ascending").OrderedFrames();
            var down = AgendaPlan.Parse(text, 1, 0, "descending").OrderedFrames();

            Assert.Equal(up.Distinct().Order(), up);
            Assert.Equal(up.Reverse(), down);
        }, iter: 1000);
    }

    [Fact]
    public void BinaryVisitsFirstLastMiddleThenHalves()
    {
        Gen.Int[3, 400].Sample(n =>
        {
            var frames = AgendaPlan.Parse($"1-{n}", 1, 0, "binary").OrderedFrames();

            Assert.Equal(Enumerable.Range(1, n), frames.Order());
            Assert.Equal([1, n, 1 + ((n - 1) / 2)], frames.Take(3));
            var middle = 1 + ((n - 1) / 2);
            if (n >= 5)
            {
                Assert.Equal([1 + ((middle - 1) / 2), middle + ((n - middle) / 2)], frames.Skip(3).Take(2));
            }
        }, iter: 400);
    }

    private static int[] Expand(int a, int b, int step)
    {
        var frames = new List<int>();
        for (var f = a; a <= b ? f <= b : f >= b; f += a <= b ? step : -step)
        {
            frames.Add(f);
        }

        return [.. frames];
    }
}
