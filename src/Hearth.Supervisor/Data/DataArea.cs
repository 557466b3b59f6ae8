namespace Hearth.Supervisor.Data;

/// <summary>Which part of the data tree a path names.</summary>
internal enum DataArea
{
    /// <summary>The top, <c>data://</c>: the caller's own account.</summary>
    Root,

    /// <summary><c>OWNER</c>: the account's collections.</summary>
    Account,

    /// <summary><c>OWNER/COLLECTION/...</c>: a collection or something in it.</summary>
    Collection,

    /// <summary><c>.session/...</c> and <c>.algo/...</c>: the caller's own areas, made as they are written.</summary>
    Private,
}
