namespace Hearth.Core.Algorithms;

public sealed record InstanceStop(AlgorithmInstance Instance, StopCause Cause, string Reason);
