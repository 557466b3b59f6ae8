using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

/// <summary>A host of a scenario, what it offers, and the properties requirements read (unknown when not given).</summary>
public sealed record ScenarioHost(string Name, IReadOnlyDictionary<ResourceName, int> Resources, HostProperties? Properties = null);
