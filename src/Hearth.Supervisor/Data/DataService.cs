using Hearth.Supervisor.Objects;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Data;

/// <summary>
/// The data API's tree over the store's rows and the object store's bytes. A file becomes visible only when its row is
/// written, after its bytes are stored whole; a stranger who may not read a collection is told it is not found, exactly
/// as for one that does not exist.
/// </summary>
internal sealed class DataService(IDataStore store, IObjectStore objects, TimeProvider time)
{
    public const int PageSize = 1000;
    private const long Mebibyte = 1024 * 1024;

    public IObjectStore Objects => objects;

    /// <summary>The entry at <paramref name="location"/>, which the caller may read; a 404 otherwise. Collections' tops and private areas' tops always exist as directories.</summary>
    public async Task<DataEntryRecord> FindAsync(DataLocation location, DataCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Area is DataArea.Root or DataArea.Account)
        {
            return Implicit(location);
        }

        if (location.Area == DataArea.Collection)
        {
            await ReadableCollectionAsync(location, caller, cancellationToken).ConfigureAwait(false);
        }

        return await store.FindAsync(location.Path, cancellationToken).ConfigureAwait(false)
            ?? (location.IsRoot ? Implicit(location) : throw NotFound(location));
    }

    /// <summary>The collection's row, when the caller may read it; the same 404 when it does not exist and when it is not theirs to read.</summary>
    public async Task<DataEntryRecord> ReadableCollectionAsync(DataLocation location, DataCaller caller, CancellationToken cancellationToken)
    {
        var collection = await store.FindAsync(location.Root!, cancellationToken).ConfigureAwait(false);
        return collection is not null && DataAcl.MayRead(collection.Acl, location.Owner, caller) ? collection : throw NotFound(location);
    }

    /// <summary>A file's bytes from <paramref name="offset"/>, at most <paramref name="length"/> of them.</summary>
    public async Task<ObjectRead> OpenAsync(DataLocation location, DataEntryRecord file, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.IsDirectory)
        {
            throw new DataRefusedException(400, $"{location.Uri} is a directory");
        }

        return await objects.GetAsync(file.ObjectKey!, offset, length, cancellationToken).ConfigureAwait(false)
            ?? throw new DataRefusedException(404, $"{location.Uri} was replaced or removed while it was being read");
    }

    public async Task<DataListing> ListAsync(DataLocation location, DataCaller caller, string? marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var directory = await FindAsync(location, caller, cancellationToken).ConfigureAwait(false);
        if (!directory.IsDirectory)
        {
            throw new DataRefusedException(400, $"{location.Uri} is a file; read it without listing");
        }

        if (location.Area == DataArea.Root)
        {
            return new DataListing(caller.Account is { } own ? [own.Account] : [], [], null, null);
        }

        var rows = await store.ListAsync(location.Path, marker, PageSize + 1, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(PageSize).ToList();
        var next = rows.Count > PageSize ? page[^1].Name : null;
        // An account's top lists only the collections the caller may read; such a page may hold fewer than the most.
        var shown = location.Area == DataArea.Account ? page.Where(row => DataAcl.MayRead(row.Acl, location.Owner, caller)).ToList() : page;
        var folders = shown.Where(row => row.IsDirectory).Select(row => row.Name).ToList();
        var files = shown.Where(row => !row.IsDirectory).Select(row => new DataListedFile(row.Name, row.ModifiedAt, row.Size)).ToList();
        var acl = location.Area == DataArea.Collection ? DataAcl.Read((await ReadableCollectionAsync(location, caller, cancellationToken).ConfigureAwait(false)).Acl) : null;
        return new DataListing(folders, files, next, acl);
    }

    /// <summary>Stores <paramref name="body"/> as the file at <paramref name="location"/>; visible only once whole. Over the owner's quota, a 413 naming it.</summary>
    public async Task<DataEntryRecord> PutAsync(DataLocation location, DataCaller caller, Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Area is DataArea.Root or DataArea.Account || location.IsRoot)
        {
            throw new DataRefusedException(400, $"{location.Uri} is a collection, not a file: write files inside it");
        }

        await WritableAsync(location, caller, cancellationToken).ConfigureAwait(false);
        var existing = await store.FindAsync(location.Path, cancellationToken).ConfigureAwait(false);
        if (existing is { IsDirectory: true })
        {
            throw new DataRefusedException(409, $"{location.Uri} is a directory");
        }

        var limit = await RemainingAsync(location.Owner, existing?.Size ?? 0, cancellationToken).ConfigureAwait(false);
        if (limit is { } room && declaredLength > room.Bytes)
        {
            throw OverQuota(location.Owner, room, declaredLength.Value);
        }

        await EnsureParentsAsync(location, cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N");
        var key = $"data/{id[..2]}/{id}";
        var counted = limit is { } quota ? new QuotaStream(body, quota.Bytes, read => OverQuota(location.Owner, quota, read)) : body;
        var stored = await objects.PutAsync(key, counted, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var entry = new DataEntryRecord(location.Path, location.Parent, location.Name, DataEntryRecord.File, location.Owner, null, stored.Size, key, now, now);
        string? replaced;
        try
        {
            replaced = await store.PutFileAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new DataRefusedException(409, $"{location.Uri} is a directory");
        }

        if (replaced is not null)
        {
            await objects.DeleteAsync(replaced, CancellationToken.None).ConfigureAwait(false);
        }

        return entry;
    }

    /// <summary>Creates the directory <paramref name="name"/> in <paramref name="parent"/>: a collection, with its read ACL, when the parent is an account.</summary>
    public async Task<DataLocation> CreateDirectoryAsync(DataLocation parent, DataLocation location, DataCaller caller, string acl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(caller);
        var now = time.GetUtcNow();
        if (parent.Area == DataArea.Root)
        {
            throw new DataRefusedException(400, "create collections inside an account: POST to data://OWNER or data://.my");
        }

        if (parent.Area == DataArea.Account)
        {
            if (!caller.IsMemberOf(parent.Owner))
            {
                throw new DataRefusedException(403, $"only {parent.Owner} and its members may create collections in data://{parent.Owner}");
            }

            var added = await store.AddDirectoryAsync(new DataEntryRecord(location.Path, parent.Path, location.Name, DataEntryRecord.Directory, parent.Owner, acl, 0, null, now, now), cancellationToken)
                .ConfigureAwait(false);
            return added ? location : throw new DataRefusedException(409, $"{location.Uri} already exists");
        }

        await WritableAsync(location, caller, cancellationToken).ConfigureAwait(false);
        await EnsureParentsAsync(location, cancellationToken).ConfigureAwait(false);
        var made = await store.AddDirectoryAsync(new DataEntryRecord(location.Path, location.Parent, location.Name, DataEntryRecord.Directory, location.Owner, null, 0, null, now, now), cancellationToken)
            .ConfigureAwait(false);
        return made ? location : throw new DataRefusedException(409, $"{location.Uri} already exists");
    }

    /// <summary>Deletes a file, or a directory (a non-empty one only with <paramref name="force"/>); returns how many files went.</summary>
    public async Task<int> DeleteAsync(DataLocation location, DataCaller caller, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Area is DataArea.Root or DataArea.Account)
        {
            throw new DataRefusedException(400, $"{location.Uri} is an account; delete its collections one by one");
        }

        await WritableAsync(location, caller, cancellationToken).ConfigureAwait(false);
        var entry = await store.FindAsync(location.Path, cancellationToken).ConfigureAwait(false) ?? throw NotFound(location);
        if (entry.IsDirectory && !force && await store.HasChildrenAsync(location.Path, cancellationToken).ConfigureAwait(false))
        {
            throw new DataRefusedException(400, $"{location.Uri} is not empty: delete it with force=true to remove everything in it");
        }

        return await RemoveTreeAsync(location.Path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a tree's rows, then its objects; returns how many files went.</summary>
    public async Task<int> RemoveTreeAsync(string path, CancellationToken cancellationToken)
    {
        var removed = await store.DeleteTreeAsync(path, cancellationToken).ConfigureAwait(false);
        foreach (var file in removed.Where(e => e.ObjectKey is not null))
        {
            await objects.DeleteAsync(file.ObjectKey!, CancellationToken.None).ConfigureAwait(false);
        }

        return removed.Count(e => !e.IsDirectory);
    }

    public async Task<IReadOnlyList<string>?> AclAsync(DataLocation location, DataCaller caller, CancellationToken cancellationToken)
    {
        var entry = await FindAsync(location, caller, cancellationToken).ConfigureAwait(false);
        if (!entry.IsDirectory)
        {
            throw new DataRefusedException(400, $"{location.Uri} is a file; permissions belong to its collection");
        }

        return location.Area == DataArea.Collection ? DataAcl.Read((await ReadableCollectionAsync(location, caller, cancellationToken).ConfigureAwait(false)).Acl) : null;
    }

    public async Task SetAclAsync(DataLocation location, DataCaller caller, string acl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Area != DataArea.Collection || !location.IsRoot)
        {
            throw new DataRefusedException(400, $"{location.Uri} is not a collection: permissions are set on a collection, data://OWNER/COLLECTION");
        }

        await WritableAsync(location, caller, cancellationToken).ConfigureAwait(false);
        if (!await store.SetAclAsync(location.Path, acl, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw NotFound(location);
        }
    }

    public Task SetQuotaAsync(string account, long? quotaMb, CancellationToken cancellationToken) => store.SetQuotaAsync(account, quotaMb, cancellationToken);

    /// <inheritdoc cref="IDataStore.UsageAsync"/>
    public Task<IReadOnlyDictionary<string, DataUsage>> UsageAsync(CancellationToken cancellationToken) => store.UsageAsync(cancellationToken);

    /// <summary>Refuses a write the caller may not make: a 404 where it may not even read, a 403 where it may.</summary>
    private async Task WritableAsync(DataLocation location, DataCaller caller, CancellationToken cancellationToken)
    {
        if (location.Area != DataArea.Collection)
        {
            return;
        }

        await ReadableCollectionAsync(location, caller, cancellationToken).ConfigureAwait(false);
        if (!caller.IsMemberOf(location.Owner))
        {
            throw new DataRefusedException(403, $"only {location.Owner} and its members may write to data://{location.Root}");
        }
    }

    /// <summary>Makes the directories between the location's top and its parent; refuses a parent that is a file.</summary>
    private async Task EnsureParentsAsync(DataLocation location, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var top = location.Root!;
        if (location.Area == DataArea.Private)
        {
            await store.AddDirectoryAsync(new DataEntryRecord(top, top[..top.LastIndexOf('/')], top[(top.LastIndexOf('/') + 1)..], DataEntryRecord.Directory, location.Owner, null, 0, null, now, now), cancellationToken)
                .ConfigureAwait(false);
        }

        var parent = top;
        foreach (var segment in location.Parent.Length > top.Length ? location.Parent[(top.Length + 1)..].Split('/') : [])
        {
            var path = parent + "/" + segment;
            if (!await store.AddDirectoryAsync(new DataEntryRecord(path, parent, segment, DataEntryRecord.Directory, location.Owner, null, 0, null, now, now), cancellationToken).ConfigureAwait(false)
                && await store.FindAsync(path, cancellationToken).ConfigureAwait(false) is { IsDirectory: false })
            {
                throw new DataRefusedException(409, $"data://{path} is a file, so nothing can be stored under it");
            }

            parent = path;
        }
    }

    private async Task<(long Bytes, long QuotaMb)?> RemainingAsync(string owner, long replacing, CancellationToken cancellationToken)
    {
        if (await store.QuotaAsync(owner, cancellationToken).ConfigureAwait(false) is not { } quota)
        {
            return null;
        }

        var used = await store.UsedBytesAsync(owner, cancellationToken).ConfigureAwait(false) - replacing;
        return (Math.Max(0, quota * Mebibyte - used), quota);
    }

    private static DataRefusedException OverQuota(string owner, (long Bytes, long QuotaMb) room, long size) => new(413,
        $"account {owner} is over its data quota of {room.QuotaMb} MiB (--data-quota-mb): this file is {size} bytes and {room.Bytes} bytes are left");

    private static DataEntryRecord Implicit(DataLocation location)
    {
        var at = DateTimeOffset.UnixEpoch;
        return new DataEntryRecord(location.Path, location.Parent, location.Name, DataEntryRecord.Directory, location.Owner, null, 0, null, at, at);
    }

    private static DataRefusedException NotFound(DataLocation location) => new(404, $"{location.Uri} not found");
}
