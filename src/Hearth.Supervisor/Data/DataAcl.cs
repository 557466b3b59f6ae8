namespace Hearth.Supervisor.Data;

/// <summary>
/// A collection's read ACL as Algorithmia writes it: <c>user://*</c> (anyone with a key), <c>algo://.my/*</c> (the
/// owner, and the owner's algorithms whoever calls them; the default) or nothing (the owner alone). Stored as the
/// one string, empty for private.
/// </summary>
internal static class DataAcl
{
    public const string Public = "user://*";
    public const string MyAlgorithms = "algo://.my/*";
    public const string Private = "";

    /// <summary>The stored form of a <c>{"read": [...]}</c> list; throws a 400 for anything else.</summary>
    public static string Parse(IReadOnlyList<string>? read) => read switch
    {
        null => MyAlgorithms,
        [] => Private,
        [Public] => Public,
        [MyAlgorithms] => MyAlgorithms,
        _ => throw new DataRefusedException(400,
            $"the read ACL [{string.Join(", ", read.Select(r => $"\"{r}\""))}] is not known: use [\"{Public}\"], [\"{MyAlgorithms}\"] or [] (private)"),
    };

    public static IReadOnlyList<string> Read(string? stored) => stored is null or Private ? [] : [stored];

    /// <summary>Whether <paramref name="caller"/> may read a collection of <paramref name="owner"/> with this ACL.</summary>
    public static bool MayRead(string? acl, string owner, DataCaller caller) =>
        caller.IsMemberOf(owner)
        || acl == Public
        || (acl == MyAlgorithms && caller.Algorithm is { } algorithm && algorithm.Owner == owner);
}
