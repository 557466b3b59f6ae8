namespace Hearth.Worker.Algorithms;

/// <summary>How the process ended.</summary>
internal sealed record InstanceExit(int? ExitCode, bool Killed, string Description);
