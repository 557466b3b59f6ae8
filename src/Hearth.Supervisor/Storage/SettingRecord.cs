namespace Hearth.Supervisor.Storage;

/// <summary>One run-time setting an admin made (a resource total, a license's outside use); a null value deletes it.</summary>
public sealed record SettingRecord(string Name, string? Value);
