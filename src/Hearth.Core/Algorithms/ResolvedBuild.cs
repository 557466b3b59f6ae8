namespace Hearth.Core.Algorithms;

/// <summary>
/// What a call resolved to: a build, and the version it was reached through (null for an unpublished
/// build reached by hash).
/// </summary>
public sealed record ResolvedBuild(AlgorithmName Algorithm, AlgorithmBuild Build, SemanticVersion? Version)
{
    public string Hash => Build.Hash;
}
