namespace Hearth.Worker.Algorithms;

/// <summary>An instance as a worker reports it on (re)registration, so a restarted supervisor can adopt it.</summary>
internal sealed record InstanceSnapshot(InstanceStart Start, bool Ready, bool Busy, int ProcessId);
