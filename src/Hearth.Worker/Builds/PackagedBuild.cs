using Hearth.Core.Algorithms;

namespace Hearth.Worker.Builds;

/// <summary>A packaged build ready to upload: its hash, where that came from, its manifest and its archive.</summary>
internal sealed record PackagedBuild(string Hash, HashSource Source, AlgorithmManifest Manifest, ArchiveInfo Archive);
