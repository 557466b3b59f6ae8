namespace Hearth.Supervisor.Auth;

/// <summary>The keys an operator starts with, written beside the database.</summary>
public sealed record BootstrapKeys(string AdminKeyPath, string? AdminKey, string WorkerKeyPath, string? WorkerKey, bool AdminKeyCreated);
