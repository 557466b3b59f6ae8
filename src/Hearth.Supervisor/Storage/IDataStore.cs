namespace Hearth.Supervisor.Storage;

/// <summary>The data API's tree of collections, directories and files, and each account's data quota.</summary>
public interface IDataStore
{
    Task<DataEntryRecord?> FindAsync(string path, CancellationToken cancellationToken);

    /// <summary>The entries directly under <paramref name="parent"/> whose names sort after <paramref name="after"/>, by name, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DataEntryRecord>> ListAsync(string parent, string? after, int max, CancellationToken cancellationToken);

    /// <summary>Adds a directory; false when an entry already has its path.</summary>
    Task<bool> AddDirectoryAsync(DataEntryRecord directory, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="file"/> visible at its path, replacing a file there; returns the replaced file's object
    /// key, or null when there was none. Throws <see cref="ConcurrencyConflictException"/> when a directory has the path.
    /// </summary>
    Task<string?> PutFileAsync(DataEntryRecord file, CancellationToken cancellationToken);

    /// <summary>Removes the entry at <paramref name="path"/> and everything under it; returns the removed entries.</summary>
    Task<IReadOnlyList<DataEntryRecord>> DeleteTreeAsync(string path, CancellationToken cancellationToken);

    /// <summary>Whether anything is stored under <paramref name="path"/>.</summary>
    Task<bool> HasChildrenAsync(string path, CancellationToken cancellationToken);

    /// <summary>Sets a directory's read ACL; false when there is no directory at <paramref name="path"/>.</summary>
    Task<bool> SetAclAsync(string path, string acl, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The total size of the files <paramref name="owner"/> is charged for.</summary>
    Task<long> UsedBytesAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Every account's data in one go: the bytes it is charged for and its quota in MiB (null for none), for accounts with either.</summary>
    Task<IReadOnlyDictionary<string, DataUsage>> UsageAsync(CancellationToken cancellationToken);

    /// <summary>The account's quota in MiB, or null for none.</summary>
    Task<long?> QuotaAsync(string account, CancellationToken cancellationToken);

    /// <summary>Sets the account's quota in MiB; null removes it.</summary>
    Task SetQuotaAsync(string account, long? quotaMb, CancellationToken cancellationToken);
}

/// <summary>An account's data: the bytes of the files it is charged for and its quota in MiB, null for none.</summary>
public sealed record DataUsage(long UsedBytes, long? QuotaMb);
