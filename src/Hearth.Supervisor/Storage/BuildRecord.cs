namespace Hearth.Supervisor.Storage;

/// <summary>An immutable build as stored: its hash, manifest and archive.</summary>
public sealed record BuildRecord(
    string Owner, string Name, string Hash, string HashSource, string Manifest, string ArchiveSha256, long ArchiveSize, DateTimeOffset PushedAt);
