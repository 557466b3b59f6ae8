namespace Hearth.Supervisor.Data;

/// <summary>
/// A data path resolved for one caller: the stored <see cref="Path"/> (for <c>.my</c>, <c>.session</c> and
/// <c>.algo</c>, the real place), the path as the caller wrote it, the account that owns it, and for a collection
/// path the collection's own stored path. <see cref="Root"/> is where implicit directories stop: the collection, or
/// the private area's top.
/// </summary>
internal sealed record DataLocation(DataArea Area, string Path, string Shown, string Owner, string? Root)
{
    public string Parent => Path.LastIndexOf('/') is var slash and > 0 ? Path[..slash] : "";

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public string Uri => "data://" + Shown;

    public bool IsRoot => Root == Path;
}
