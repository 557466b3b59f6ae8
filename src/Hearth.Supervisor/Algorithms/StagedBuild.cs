using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>An uploaded archive, checked and waiting to be kept under <paramref name="ContentHash"/>, the hash its content gives.</summary>
internal sealed record StagedBuild(string TempPath, string Sha256, long Size, AlgorithmManifest Manifest, string ContentHash);
