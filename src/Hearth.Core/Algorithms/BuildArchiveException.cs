namespace Hearth.Core.Algorithms;

/// <summary>A build archive holds an entry a build may not have; the message names the entry and says why.</summary>
public sealed class BuildArchiveException(string message) : Exception(message);
