namespace Hearth.Worker.Builds;

/// <summary>One file or symbolic link in a build directory, by its path relative to the root with '/' separators.</summary>
internal sealed record BuildFile(string RelativePath, string FullPath, bool IsLink);
