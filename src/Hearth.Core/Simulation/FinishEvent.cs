using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

public sealed record FinishEvent(string Id) : ScenarioEvent;
