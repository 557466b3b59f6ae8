namespace Hearth.Supervisor.Algorithms;

/// <summary>What a worker needs to start an instance, beyond the pool's own record of it.</summary>
internal sealed record InstanceLaunchInfo(IReadOnlyList<string> Entrypoint, string? ArchiveSha256, TimeSpan LoadTimeout);
