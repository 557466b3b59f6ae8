namespace Hearth.Protocol.Rest;

/// <summary>What a frame action did: the items it changed, by name, and the job's items counted by state after it.</summary>
public sealed record FrameActionView(long Id, string Action, IReadOnlyList<string> Items, IReadOnlyDictionary<string, int> Frames);
