namespace Hearth.Supervisor.Storage;

/// <summary>One schema script, <c>NNNN_name.sql</c>.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql);
