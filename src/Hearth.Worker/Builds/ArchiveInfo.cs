namespace Hearth.Worker.Builds;

/// <summary>A written archive: where it is, how big, and the SHA-256 of its bytes for integrity checks.</summary>
internal sealed record ArchiveInfo(string Path, long Size, string Sha256);
