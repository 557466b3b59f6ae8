namespace Hearth.Protocol.Rest;

/// <summary>The body of <c>POST /v1/jobs/{id}/frames/{action}</c>: the frames whose items the action takes; all that it applies to when null.</summary>
public sealed record FrameActionRequest(string? Range = null);
