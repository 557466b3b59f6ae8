namespace Hearth.Worker.Builds;

/// <summary>Where the cache gets a build it does not hold: the supervisor's build store, in production.</summary>
internal interface IBuildSource
{
    /// <summary>Opens the archive of build <paramref name="hash"/>, with the supervisor's grant to fetch it if there is one.</summary>
    Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken);
}
