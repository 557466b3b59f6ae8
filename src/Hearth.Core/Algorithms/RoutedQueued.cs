namespace Hearth.Core.Algorithms;

/// <summary>
/// The call waits. <paramref name="Started"/> is set when a new instance was added for it: its work must be
/// submitted to the ledger to be placed.
/// </summary>
public sealed record RoutedQueued(WaitingCall Call, AlgorithmInstance? Started) : RouteResult;
