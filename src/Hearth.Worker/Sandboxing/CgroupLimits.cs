namespace Hearth.Worker.Sandboxing;

/// <summary>The limits one sandboxed process tree gets: memory in MB and CPU in cores when its request names them, and a pids cap.</summary>
internal sealed record CgroupLimits(long? MemoryMegabytes, double? Cores, int Pids);
