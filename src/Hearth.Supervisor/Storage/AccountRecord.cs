namespace Hearth.Supervisor.Storage;

/// <summary>A user or an organization. <paramref name="Kind"/> is <c>user</c> or <c>org</c>.</summary>
public sealed record AccountRecord(string Name, string Kind, DateTimeOffset CreatedAt, long Version);
