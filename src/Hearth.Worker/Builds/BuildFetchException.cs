namespace Hearth.Worker.Builds;

/// <summary>The build could not be fetched or unpacked; the message says why.</summary>
internal sealed class BuildFetchException(string message, Exception? inner = null) : Exception(message, inner);
