using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Algorithms;

/// <summary>How to start one instance: its ID, the build directory, the entry argv and how long it may take to load.</summary>
internal sealed record InstanceLaunch(string Id, string Directory, IReadOnlyList<string> Entrypoint, TimeSpan LoadTimeout, string RuntimeDirectory)
{
    /// <summary>The base environment (<see cref="ChildEnvironment.Base"/>); the instance's own variables are set over it.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ChildEnvironment.Base();

    /// <summary>Told the process ID as soon as the process exists, before it has loaded, so it can be recorded.</summary>
    public Action<int>? Spawned { get; init; }

    /// <summary>The sandbox the instance runs in, or null to run it as the worker does.</summary>
    public ProcessSandbox? Sandbox { get; init; }
}
