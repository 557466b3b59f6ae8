namespace Hearth.Worker.Builds;

/// <summary>Where a build came from; its hash is always the content hash, which the supervisor checks.</summary>
internal enum HashSource
{
    /// <summary>The directory is the top of a git checkout.</summary>
    Git,

    /// <summary>Any other directory.</summary>
    Content,
}
