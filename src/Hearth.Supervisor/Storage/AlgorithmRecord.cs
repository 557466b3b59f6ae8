namespace Hearth.Supervisor.Storage;

/// <summary>An algorithm with all its builds (oldest first) and versions (lowest first).</summary>
public sealed record AlgorithmRecord(string Owner, string Name, DateTimeOffset CreatedAt, IReadOnlyList<BuildRecord> Builds, IReadOnlyList<VersionRecord> Versions);
