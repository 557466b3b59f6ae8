namespace Hearth.Worker.Builds;

/// <summary>Where a build's hash came from.</summary>
internal enum HashSource
{
    /// <summary>The git HEAD commit of the directory, which is the top of a git checkout.</summary>
    Git,

    /// <summary>A SHA-1 over the directory's relative paths, kinds, modes and bytes.</summary>
    Content,
}
