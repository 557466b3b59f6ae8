using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Algorithms;

/// <summary>What an instance runs: the build, the version it was reached through, and what it reserves.</summary>
public sealed record InstanceTemplate(AlgorithmName Algorithm, string Hash, SemanticVersion? Version, ResourceRequest Resources, Requirement? Requirements = null);
