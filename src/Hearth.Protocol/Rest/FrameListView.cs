namespace Hearth.Protocol.Rest;

/// <summary>An agenda job's items in hand-out order; <paramref name="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record FrameListView(IReadOnlyList<FrameView> Frames, int? Next = null);
