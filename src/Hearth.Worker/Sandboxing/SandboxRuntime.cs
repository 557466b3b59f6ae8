namespace Hearth.Worker.Sandboxing;

/// <summary>An entry command made ready for the sandbox: the program to run and the directories it needs from the host.</summary>
internal sealed record SandboxRuntime(string Program, IReadOnlyList<string> Directories);
