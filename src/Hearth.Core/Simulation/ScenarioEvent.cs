using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

/// <summary>One event of a scenario.</summary>
public abstract record ScenarioEvent;
