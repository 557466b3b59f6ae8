using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Algorithms;

namespace Hearth.Supervisor.Reservations;

/// <summary>Accounts and algorithms loaded for one check or one reconciliation, answering the rules from memory.</summary>
internal sealed class CatalogSnapshot(IReadOnlyDictionary<string, Caller> accounts, IReadOnlyDictionary<AlgorithmName, CatalogEntry> algorithms)
    : IReservationCatalog
{
    public Caller? FindAccount(string name) => accounts.GetValueOrDefault(name);

    public AlgorithmEntry? FindAlgorithm(AlgorithmName name) => algorithms.GetValueOrDefault(name)?.Entry;

    /// <summary>How a worker starts <paramref name="hash"/> of <paramref name="algorithm"/>; null when the build is unknown.</summary>
    public InstanceLaunchInfo? Launch(AlgorithmName algorithm, string hash, TimeSpan loadTimeout) =>
        algorithms.GetValueOrDefault(algorithm) is { } entry && entry.Builds.TryGetValue(hash, out var record) && entry.Entry.FindBuild(hash) is { } build
            ? new InstanceLaunchInfo(build.Manifest.Entrypoint, record.ArchiveSha256, loadTimeout)
            : null;
}
