using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>What a push did: the build's hash, and whether it was new.</summary>
internal sealed record PushOutcome(AlgorithmName Algorithm, string Hash, bool Created, string Source, long Size);
