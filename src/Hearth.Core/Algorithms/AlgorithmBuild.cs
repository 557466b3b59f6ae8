namespace Hearth.Core.Algorithms;

/// <summary>An immutable build of an algorithm: its hash, its manifest and when it was pushed.</summary>
public sealed record AlgorithmBuild(string Hash, AlgorithmManifest Manifest, DateTimeOffset PushedAt);
