namespace Hearth.Worker.Sandboxing;

/// <summary>What a resource grant becomes in a cgroup.</summary>
internal static class SandboxLimits
{
    public const string Memory = "host.memory";
    public const string Processors = "host.processors";

    /// <summary><c>host.memory=N</c> is N MB, <c>host.processors=N</c> N cores; what the grant does not name stays unlimited.</summary>
    public static CgroupLimits For(IReadOnlyDictionary<string, int> allocations, int pids) =>
        new(
            allocations.TryGetValue(Memory, out var megabytes) && megabytes > 0 ? megabytes : null,
            allocations.TryGetValue(Processors, out var cores) && cores > 0 ? cores : null,
            pids);
}
