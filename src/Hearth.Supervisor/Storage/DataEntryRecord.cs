namespace Hearth.Supervisor.Storage;

/// <summary>
/// One entry of the data tree: a directory (a collection is a directory whose parent is an account) or a file,
/// whose bytes are the object <see cref="ObjectKey"/>. <see cref="Acl"/> is a collection's read ACL.
/// </summary>
public sealed record DataEntryRecord(
    string Path, string Parent, string Name, string Kind, string Owner, string? Acl, long Size, string? ObjectKey, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt)
{
    public const string Directory = "dir";
    public const string File = "file";

    public bool IsDirectory => Kind == Directory;
}
