namespace Hearth.Supervisor.Objects;

/// <summary>
/// Where the supervisor keeps bytes: build archives and data files. Keys are paths of plain segments
/// (<see cref="ObjectKeys"/>); an object is written whole or not at all, so a reader never sees a partial one.
/// </summary>
public interface IObjectStore
{
    /// <summary>A short description for logs, e.g. <c>files /var/lib/hearth/objects</c>.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="content"/> to its end as <paramref name="key"/>, replacing any object there; visible only once complete.</summary>
    Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>The object's bytes from <paramref name="offset"/>, at most <paramref name="length"/> of them (null: to the end); null when there is no such object.</summary>
    Task<ObjectRead?> GetAsync(string key, long offset, long? length, CancellationToken cancellationToken);

    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Objects whose keys start with <paramref name="prefix"/> and sort after <paramref name="marker"/>, by key, at most <paramref name="max"/>.</summary>
    Task<ObjectPage> ListAsync(string prefix, string? marker, int max, CancellationToken cancellationToken);

    /// <summary>Removes the object; false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}
