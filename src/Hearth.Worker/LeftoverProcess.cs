namespace Hearth.Worker;

/// <summary>A subjob or instance process that an earlier incarnation of this worker left running, and that was killed.</summary>
internal sealed record LeftoverProcess(string AssignmentId, int ProcessGroup, int Processes, bool Gone);
