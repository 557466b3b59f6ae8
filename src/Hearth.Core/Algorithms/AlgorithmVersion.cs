namespace Hearth.Core.Algorithms;

/// <summary>A build published under a semantic version.</summary>
public sealed record AlgorithmVersion(SemanticVersion Version, string Hash, Visibility Visibility, DateTimeOffset PublishedAt);
