namespace Hearth.Worker.Algorithms;

/// <summary>
/// Where a start's time went: <paramref name="Start"/> until the first process is spawned (its FIFO made and
/// <c>fork</c>/<c>exec</c> done), <paramref name="Sandbox"/> from then until the sandbox runs the entry program (zero
/// without one), and <paramref name="Load"/> from then until <c>PIPE_INIT_COMPLETE</c>.
/// </summary>
internal sealed record LaunchTimes(TimeSpan Start, TimeSpan Sandbox, TimeSpan Load);
