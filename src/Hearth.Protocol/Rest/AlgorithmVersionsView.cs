namespace Hearth.Protocol.Rest;

/// <summary>An algorithm's versions, and for members its builds too.</summary>
public sealed record AlgorithmVersionsView(string Algorithm, IReadOnlyList<VersionView> Versions, IReadOnlyList<BuildView> Builds);
