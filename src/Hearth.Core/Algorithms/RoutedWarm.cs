namespace Hearth.Core.Algorithms;

/// <summary>The call holds <paramref name="Instance"/>, now busy with it.</summary>
public sealed record RoutedWarm(AlgorithmInstance Instance) : RouteResult;
