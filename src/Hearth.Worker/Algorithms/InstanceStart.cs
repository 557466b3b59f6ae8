namespace Hearth.Worker.Algorithms;

/// <summary>What the supervisor asks a worker to start: an instance of a build, with what the build needs to run.</summary>
internal sealed record InstanceStart(
    string InstanceId, string Account, string Algorithm, string Hash, string? Version, string? ArchiveSha256,
    IReadOnlyList<string> Entrypoint, TimeSpan LoadTimeout)
{
    /// <summary>The supervisor's grant to fetch this build while the instance starts.</summary>
    public string? BuildGrant { get; init; }

    /// <summary>The manifest's reservation and what the ledger granted, kept so a restarted supervisor can adopt the instance.</summary>
    public string Reservations { get; init; } = "";

    public IReadOnlyDictionary<string, int> Allocations { get; init; } = new Dictionary<string, int>();

    /// <summary>Variables the supervisor gives the instance (Algorithmia's <c>ALGORITHMIA_API</c> and <c>ALGORITHMIA_API_KEY</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
