namespace Hearth.Supervisor.Objects;

/// <summary>
/// An open read of an object: <see cref="Length"/> bytes from <see cref="Offset"/> of an object of
/// <see cref="ObjectInfo.Size"/> bytes. Dispose it when done to free what the backend holds.
/// </summary>
public sealed class ObjectRead(ObjectInfo info, long offset, long length, Stream content, IDisposable? owner = null) : IAsyncDisposable
{
    public ObjectInfo Info { get; } = info;

    public long Offset { get; } = offset;

    public long Length { get; } = length;

    public Stream Content { get; } = content;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        owner?.Dispose();
    }
}
