using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A gone instance as the table removed it: the calls to fail, and instances started for calls that still wait.</summary>
internal sealed record InstanceRemoval(
    AlgorithmInstance Instance, bool StoppedOnPurpose, PendingCall? Interrupted, IReadOnlyList<PendingCall> Abandoned, IReadOnlyList<AlgorithmInstance> Replacements);
