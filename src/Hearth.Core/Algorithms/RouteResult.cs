namespace Hearth.Core.Algorithms;

/// <summary>Where <see cref="WarmPool.Route"/> sent a call.</summary>
public abstract record RouteResult;
