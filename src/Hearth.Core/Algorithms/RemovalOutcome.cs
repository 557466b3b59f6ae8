namespace Hearth.Core.Algorithms;

/// <summary>What removing an instance means for calls: the call it was serving, and waiting calls left without hope.</summary>
public sealed record RemovalOutcome(long? InterruptedCall, IReadOnlyList<WaitingCall> Abandoned, IReadOnlyList<AlgorithmInstance> Replacements);
