namespace Hearth.Core.Algorithms;

/// <summary>A waiting call handed an instance. <paramref name="ColdStart"/> when the instance was started for it.</summary>
public sealed record Assignment(WaitingCall Call, AlgorithmInstance Instance, bool ColdStart);
