namespace Hearth.Worker.Builds;

/// <summary>A fetch's outcome: where the build is, and how much of the fetch was unpacking.</summary>
internal sealed record FetchedBuild(string Path, TimeSpan Unpacking);
