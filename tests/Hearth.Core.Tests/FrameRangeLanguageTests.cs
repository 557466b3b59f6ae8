using Hearth.Core.Frames;

namespace Hearth.Core.Tests;

/// <summary>
/// The frame range language row by row: each valid row lists the frames it expands to (ascending, duplicates dropped)
/// and the shortest text it prints back as; each invalid row names the offending item and the reason.
/// </summary>
public sealed class FrameRangeLanguageTests
{
    [Theory]
    [InlineData("1", "1", "1")]
    [InlineData("7", "7", "7")]
    [InlineData("1-5", "1 2 3 4 5", "1-5")]
    [InlineData("1-13x2", "1 3 5 7 9 11 13", "1-13x2")]
    [InlineData("1-14x2", "1 3 5 7 9 11 13", "1-13x2")]
    [InlineData("5-1", "1 2 3 4 5", "1-5")]
    [InlineData("10-1x3", "1 4 7 10", "1-10x3")]
    [InlineData("100-95x2", "96 98 100", "96-100x2")]
    [InlineData("-10--7", "-10 -9 -8 -7", "-10--7")]
    [InlineData("-2-2", "-2 -1 0 1 2", "-2-2")]
    [InlineData("2--2", "-2 -1 0 1 2", "-2-2")]
    [InlineData("-5", "-5", "-5")]
    [InlineData("1,3,5", "1 3 5", "1-5x2")]
    [InlineData("1,2,3,7", "1 2 3 7", "1-3,7")]
    [InlineData("1-5,3-8", "1 2 3 4 5 6 7 8", "1-8")]
    [InlineData("5,5,5", "5", "5")]
    [InlineData(" 1 - 3 , 9 ", "1 2 3 9", "1-3,9")]
    [InlineData("1-3X1", "1 2 3", "1-3")]
    [InlineData("1-9x100", "1", "1")]
    [InlineData("1,10", "1 10", "1,10")]
    [InlineData("1-4,10-40x10", "1 2 3 4 10 20 30 40", "1-4,10-40x10")]
    [InlineData("0-1000000x999999", "0 999999", "0,999999")]
    [InlineData("1-1000000", null, "1-1000000")]
    public void ValidRangesExpandAndPrintBackShortest(string text, string? frames, string shortest)
    {
        var range = FrameRange.Parse(text);

        if (frames is not null)
        {
            Assert.Equal(frames, string.Join(' ', range.Frames));
        }

        Assert.Equal(shortest, range.ToString());
        Assert.Equal(range.Frames, FrameRange.Parse(range.ToString()).Frames);
    }

    [Theory]
    [InlineData("", "range is empty")]
    [InlineData("   ", "range is empty")]
    [InlineData("1,,3", "item 2 is empty")]
    [InlineData("1,", "item 2 is empty")]
    [InlineData("1-5,5-1x0", "item 2 \"5-1x0\": the step must be at least 1")]
    [InlineData("1-5x-2", "item 1 \"1-5x-2\": the step must be at least 1")]
    [InlineData("1-5x", "item 1 \"1-5x\": the step after 'x' is missing")]
    [InlineData("1-5xa", "item 1 \"1-5xa\": the step \"a\" is not a whole number")]
    [InlineData("a", "item 1 \"a\": unexpected 'a': a frame is a whole number")]
    [InlineData("1-", "item 1 \"1-\": a frame number is missing")]
    [InlineData("1-b", "item 1 \"1-b\": unexpected 'b'")]
    [InlineData("1..5", "item 1 \"1..5\": unexpected '.': expected A, A-B or A-BxS")]
    [InlineData("1-5-9", "item 1 \"1-5-9\": unexpected '-': expected A, A-B or A-BxS")]
    [InlineData("3,99999999999", "item 2 \"99999999999\": frame 99999999999 is out of range")]
    [InlineData("1-1000001", "item 1 \"1-1000001\": the range holds more than 1,000,000 frames")]
    [InlineData("1-600000,700000-1300000", "item 2 \"700000-1300000\": the range holds more than 1,000,000 frames")]
    [InlineData("-2147483648-2147483647", "the range holds more than 1,000,000 frames")]
    public void InvalidRangesNameTheItemAndTheReason(string text, string expected)
    {
        var error = Assert.Throws<FrameRangeSyntaxException>(() => FrameRange.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1-10", 1, "ascending", "1 2 3 4 5 6 7 8 9 10")]
    [InlineData("1-10", 4, "ascending", "1-4 5-8 9-10")]
    [InlineData("1-10", 4, "descending", "10-7 6-3 2-1")]
    [InlineData("1-9", 1, "binary", "1 9 5 3 7 2 4 6 8")]
    [InlineData("1-9", 3, "binary", "1-5 3-2 4-8")]
    [InlineData("1-2", 1, "binary", "1 2")]
    [InlineData("1-13x2", 3, "ascending", "1-5 7-11 13")]
    [InlineData("1-240", 4, "ascending", null)]
    public void FramesAreOrderedAndCutIntoNamedItems(string range, int chunk, string order, string? names)
    {
        var plan = AgendaPlan.Parse(range, chunk, null, order);

        var items = plan.Items();

        if (names is not null)
        {
            Assert.Equal(names, string.Join(' ', items.Select(i => i.Name)));
        }
        else
        {
            Assert.Equal(60, items.Count);
            Assert.Equal("237-240", items[^1].Name);
        }
    }

    [Theory]
    [InlineData("5-1x0", 1, 0, null, "range: item 1 \"5-1x0\": the step must be at least 1")]
    [InlineData("1-10", 0, 0, null, "chunk: 0 is not allowed")]
    [InlineData("1-10", -3, 0, null, "chunk: -3 is not allowed")]
    [InlineData("1-10", 1, -1, null, "padding: -1 is not allowed")]
    [InlineData("1-10", 1, 33, null, "padding: 33 is not allowed")]
    [InlineData("1-10", 1, 0, "sideways", "order: \"sideways\" is not one of ascending, descending, binary")]
    public void BadAgendaFieldsAreRefusedNamingTheField(string range, int chunk, int padding, string? order, string expected)
    {
        var error = Assert.Throws<FrameRangeSyntaxException>(() => AgendaPlan.Parse(range, chunk, padding, order));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1-4", 0, "render -s QB_FRAME_START -e QB_FRAME_END", "render -s 1 -e 4")]
    [InlineData("1-7x2", 0, "r QB_FRAME_NUMBER QB_FRAME_STEP QB_FRAME_RANGE", "r 1 2 1-7x2")]
    [InlineData("7", 4, "out.QB_PADDED_FRAME_NUMBER.exr", "out.0007.exr")]
    [InlineData("-7", 4, "QB_PADDED_FRAME_NUMBER", "-0007")]
    [InlineData("3", 0, "echo $QB_FRAME_NUMBER ${QB_FRAME_END} QB_FRAME_NUMBER", "echo $QB_FRAME_NUMBER ${QB_FRAME_END} 3")]
    [InlineData("3", 0, "QB_FRAME_NUMBERS QB_FRAMES", "3S QB_FRAMES")]
    public void LiteralTokensAreReplacedAndShellOnesLeft(string range, int padding, string command, string expected)
    {
        var item = AgendaPlan.Cut(FrameRange.Parse(range).Frames, 100)[0];

        var argv = FrameTokens.Replace(command.Split(' '), FrameTokens.Values(item, padding));

        Assert.Equal(expected, string.Join(' ', argv));
    }
}
