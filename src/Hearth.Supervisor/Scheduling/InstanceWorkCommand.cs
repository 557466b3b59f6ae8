using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Instance work posted to the loop by the warm pool, which routes calls without it; neither part is a wake-up only.</summary>
internal sealed record InstanceWorkCommand(IReadOnlyList<AlgorithmInstance> Submit, string? Release) : SchedulerCommand;
