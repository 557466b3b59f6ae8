namespace Hearth.Supervisor.Storage;

/// <summary>One chunk of captured output with its place in the log, so that a reader can follow on from it.</summary>
public sealed record LogChunkView(long Id, int Stream, byte[] Data);
