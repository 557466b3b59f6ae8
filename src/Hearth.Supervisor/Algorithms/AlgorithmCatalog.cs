using System.Collections.Concurrent;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Algorithms, builds and versions: pushes and publishes write through to the store, and reads come from memory
/// (every algorithm is loaded once and replaced after each change), so resolving a call's version costs nothing.
/// Writes are serialized; they are rare.
/// </summary>
internal sealed class AlgorithmCatalog(IAlgorithmStore store, AccountService accounts, BuildStore builds, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<AlgorithmName, CatalogEntry> _entries = new();
    private readonly SemaphoreSlim _writes = new(1, 1);

    public BuildStore Builds { get; } = builds;

    /// <summary>Raised after a push or publish changed an algorithm (what a <c>latest_*</c> reference resolves to may have moved).</summary>
    public event Action? Changed;

    /// <summary>The algorithm, or null when it has never been pushed.</summary>
    public async ValueTask<CatalogEntry?> FindAsync(AlgorithmName name, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            return entry;
        }

        var loaded = await LoadAsync(name, cancellationToken).ConfigureAwait(false);
        if (loaded is not null)
        {
            _entries[name] = loaded;
        }

        return loaded;
    }

    public async Task<CatalogEntry> RequireAsync(AlgorithmName name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(Refusal.NotFound($"algorithm {name} not found"));

    /// <summary>
    /// Stores a staged build of <paramref name="name"/> under the hash of its content. Pushing the same content again is
    /// answered with the stored build; the same content pushed to another algorithm is a build of each, one archive.
    /// </summary>
    public async Task<PushOutcome> PushAsync(AlgorithmName name, string source, StagedBuild staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var hash = staged.ContentHash;
        await accounts.RequireAsync(name.Owner, cancellationToken).ConfigureAwait(false);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await store.FindBuildAsync(hash, cancellationToken).ConfigureAwait(false);
            var record = new BuildRecord(name.Owner, name.Name, hash, source, staged.Manifest.ToJson(),
                stored?.ArchiveSha256 ?? staged.Sha256, stored?.ArchiveSize ?? staged.Size, time.GetUtcNow());
            Builds.Commit(staged, hash);
            var created = await store.AddBuildAsync(record, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(name, cancellationToken).ConfigureAwait(false);
            return new PushOutcome(name, hash, created, source, record.ArchiveSize);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Publishes build <paramref name="hash"/> as <paramref name="version"/>; versions only increase.</summary>
    public async Task<AlgorithmVersion> PublishAsync(AlgorithmName name, string hash, SemanticVersion version, Visibility visibility, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = await LoadAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new RefusedException(Refusal.NotFound($"algorithm {name} not found; push a build first"));
            if (AlgorithmRules.CheckPublish(entry.Entry, hash, version) is { } refusal)
            {
                throw new RefusedException(refusal);
            }

            var published = new AlgorithmVersion(version, hash, visibility, time.GetUtcNow());
            try
            {
                await store.AddVersionAsync(new VersionRecord(name.Owner, name.Name, version.ToString(), hash, VisibilityName(visibility), published.PublishedAt), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException e)
            {
                throw new RefusedException(Refusal.Conflict(e.Message));
            }

            await RefreshAsync(name, cancellationToken).ConfigureAwait(false);
            return published;
        }
        finally
        {
            _writes.Release();
        }
    }

    public void Dispose() => _writes.Dispose();

    public static string VisibilityName(Visibility visibility) => visibility == Visibility.Public ? "public" : "private";

    private async Task RefreshAsync(AlgorithmName name, CancellationToken cancellationToken)
    {
        if (await LoadAsync(name, cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            _entries[name] = fresh;
            Changed?.Invoke();
        }
    }

    private async Task<CatalogEntry?> LoadAsync(AlgorithmName name, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(name.Owner, name.Name, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var buildList = record.Builds.Select(b => new AlgorithmBuild(b.Hash, AlgorithmManifest.Parse(b.Manifest), b.PushedAt)).ToList();
        var versions = record.Versions.Select(v => new AlgorithmVersion(
            SemanticVersion.Parse(v.Version), v.Hash, v.Visibility == "public" ? Visibility.Public : Visibility.Private, v.PublishedAt)).ToList();
        return new CatalogEntry(new AlgorithmEntry(name, buildList, versions), record.Builds.ToDictionary(b => b.Hash, StringComparer.Ordinal), record.CreatedAt);
    }
}
