namespace Hearth.Supervisor.Storage;

/// <summary>Captured output of one subjob attempt; <paramref name="Stream"/> is 1 for stdout, 2 for stderr.</summary>
public sealed record LogChunkRecord(long JobId, int Index, int Attempt, int Stream, byte[] Data);
