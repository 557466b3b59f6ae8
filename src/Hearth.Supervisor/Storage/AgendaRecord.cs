namespace Hearth.Supervisor.Storage;

/// <summary>How an agenda job's range is cut into work items and retried, as submitted; written once, with the job.</summary>
public sealed record AgendaRecord(
    long JobId, string Range, int Chunk, int Padding, string Order, int RetryWork, long RetryWorkDelayMs, long? FrameByFrame);
