using Hearth.Core.Placement;

namespace Hearth.Core.Simulation;

/// <summary>An account of a scenario: its limits and the organizations it belongs to.</summary>
public sealed record ScenarioAccount(string Name, AccountLimits Limits, IReadOnlyList<string> Organizations);
