namespace Hearth.Worker;

/// <summary>What happened to a subjob's process.</summary>
internal sealed record ProcessOutcome(int ExitCode, string? Error);
