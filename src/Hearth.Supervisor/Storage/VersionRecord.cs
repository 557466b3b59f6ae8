namespace Hearth.Supervisor.Storage;

/// <summary>A published version of an algorithm. <paramref name="Visibility"/> is <c>public</c> or <c>private</c>.</summary>
public sealed record VersionRecord(string Owner, string Name, string Version, string Hash, string Visibility, DateTimeOffset PublishedAt);
