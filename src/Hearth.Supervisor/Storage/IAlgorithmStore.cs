namespace Hearth.Supervisor.Storage;

/// <summary>Algorithms, builds and versions. Builds and versions are append-only.</summary>
public interface IAlgorithmStore
{
    Task<AlgorithmRecord?> FindAsync(string owner, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Records a build, creating the algorithm on its first push. False when the algorithm already has a build with
    /// that hash (builds are immutable, so the first one stands).
    /// </summary>
    Task<bool> AddBuildAsync(BuildRecord build, CancellationToken cancellationToken);

    /// <summary>Records a version; throws <see cref="ConcurrencyConflictException"/> when that version exists.</summary>
    Task AddVersionAsync(VersionRecord version, CancellationToken cancellationToken);

    /// <summary>Any build with <paramref name="hash"/>, for fetching its archive.</summary>
    Task<BuildRecord?> FindBuildAsync(string hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<(string Owner, string Name)>> ListAsync(CancellationToken cancellationToken);
}
