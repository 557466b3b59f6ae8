namespace Hearth.Supervisor.Objects;

/// <summary>What the store knows of one object.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified);
