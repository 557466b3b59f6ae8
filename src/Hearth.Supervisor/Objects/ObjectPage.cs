namespace Hearth.Supervisor.Objects;

/// <summary>One page of a listing; <see cref="NextMarker"/> is where the next page starts, null after the last.</summary>
public sealed record ObjectPage(IReadOnlyList<ObjectInfo> Objects, string? NextMarker);
