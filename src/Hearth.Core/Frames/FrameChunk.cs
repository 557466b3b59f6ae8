using System.Globalization;

namespace Hearth.Core.Frames;

/// <summary>One work item's frames, in the order they are handed out; named <c>F</c> or <c>F1-F2</c> after its first and last.</summary>
public sealed record FrameChunk
{
    public FrameChunk(IReadOnlyList<int> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("an item holds at least one frame", nameof(frames));
        }

        Frames = frames;
    }

    public IReadOnlyList<int> Frames { get; }

    public int First => Frames[0];

    public int Last => Frames[^1];

    public string Name => Frames.Count == 1
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

    /// <summary>The distance between neighbouring frames when it is even, else 1.</summary>
    public int Step
    {
        get
        {
            if (Frames.Count < 2)
            {
                return 1;
            }

            var step = Math.Abs((long)Frames[1] - Frames[0]);
            for (var k = 2; k < Frames.Count; k++)
            {
                if (Math.Abs((long)Frames[k] - Frames[k - 1]) != step)
                {
                    return 1;
                }
            }

            return (int)Math.Min(step, int.MaxValue);
        }
    }

    /// <summary>The frames as the shortest range string.</summary>
    public string RangeText => Frames.Count == 1 ? Name : global::Hearth.Core.Frames.RangeText.Format(Frames);

    public bool Holds(int frame) => Frames.Contains(frame);

    public bool Equals(FrameChunk? other) => other is not null && Frames.SequenceEqual(other.Frames);

    public override int GetHashCode() => HashCode.Combine(First, Last, Frames.Count);
}
