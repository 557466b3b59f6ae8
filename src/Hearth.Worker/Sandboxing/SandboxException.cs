namespace Hearth.Worker.Sandboxing;

/// <summary>The entry command's program cannot run in the sandbox; the message says why.</summary>
internal sealed class SandboxException(string message) : Exception(message);
