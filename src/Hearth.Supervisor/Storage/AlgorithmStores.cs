namespace Hearth.Supervisor.Storage;

/// <summary>A user or an organization. <paramref name="Kind"/> is <c>user</c> or <c>org</c>.</summary>
public sealed record AccountRecord(string Name, string Kind, DateTimeOffset CreatedAt, long Version);

public static class AccountKinds
{
    public const string User = "user";
    public const string Organization = "org";
}

/// <summary>An immutable build as stored: its hash, manifest and archive.</summary>
public sealed record BuildRecord(
    string Owner, string Name, string Hash, string HashSource, string Manifest, string ArchiveSha256, long ArchiveSize, DateTimeOffset PushedAt);

/// <summary>A published version of an algorithm. <paramref name="Visibility"/> is <c>public</c> or <c>private</c>.</summary>
public sealed record VersionRecord(string Owner, string Name, string Version, string Hash, string Visibility, DateTimeOffset PublishedAt);

/// <summary>An algorithm with all its builds (oldest first) and versions (lowest first).</summary>
public sealed record AlgorithmRecord(string Owner, string Name, DateTimeOffset CreatedAt, IReadOnlyList<BuildRecord> Builds, IReadOnlyList<VersionRecord> Versions);

/// <summary>Accounts and organization membership.</summary>
public interface IAccountStore
{
    Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds an account; throws <see cref="ConcurrencyConflictException"/> when the name is taken.</summary>
    Task AddAsync(AccountRecord account, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="member"/> to <paramref name="org"/>; false when it already is one.</summary>
    Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken);
}

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
