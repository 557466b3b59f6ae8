using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A call that passed every check and is ready to run: who calls, which build, and the request line.</summary>
internal sealed record PreparedCall(
    string Account, ResolvedBuild Build, InstanceTemplate Template, InstanceLaunchInfo Launch, byte[] Request,
    IReadOnlyList<InstanceTemplate> Alternatives, bool CaptureStdout);
