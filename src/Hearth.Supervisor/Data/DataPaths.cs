using System.Text;
using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Data;

/// <summary>
/// Reads a data path (<c>OWNER/COLLECTION/...</c>, <c>.my/...</c>, <c>.session/...</c>, <c>.algo/OWNER/NAME/temp|perm/...</c>,
/// <c>.algo/temp|perm/...</c> inside an instance) and checks its name rules: at most 1,024 bytes, no empty segment,
/// no <c>.</c> or <c>..</c>, no control character.
/// </summary>
internal static class DataPaths
{
    public const int MaxBytes = 1024;

    /// <summary>Where a path lives for <paramref name="caller"/>; throws <see cref="DataRefusedException"/> with a 400 for a bad one.</summary>
    public static DataLocation Resolve(string raw, DataCaller caller, string? session)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(caller);
        var path = raw.StartsWith("data://", StringComparison.Ordinal) ? raw["data://".Length..] : raw;
        path = path.Trim('/');
        if (Encoding.UTF8.GetByteCount(path) > MaxBytes)
        {
            throw Invalid($"the path is {Encoding.UTF8.GetByteCount(path)} bytes long; a data path is at most {MaxBytes} bytes");
        }

        if (path.Length == 0)
        {
            return new DataLocation(DataArea.Root, "", "", caller.Account?.Account ?? "", null);
        }

        var segments = path.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                throw Invalid($"data://{path} has an empty segment (two slashes in a row)");
            }

            if (segment is "." or "..")
            {
                throw Invalid($"data://{path} has a \"{segment}\" segment; paths name files directly");
            }

            if (segment.Any(char.IsControl))
            {
                throw Invalid($"data://{path} has a control character in \"{Printable(segment)}\"");
            }
        }

        return segments[0] switch
        {
            ".my" => Collection(segments, Own(caller, path), path),
            ".session" => Session(segments, caller, session, path),
            ".algo" => Algo(segments, caller, path),
            _ when segments[0].StartsWith('.') => throw Invalid($"data://{path}: \"{segments[0]}\" is not a data area; use OWNER, .my, .session or .algo"),
            _ => Collection(segments, segments[0], path),
        };
    }

    private static DataLocation Collection(string[] segments, string owner, string shown)
    {
        if (Names.Why(owner, "account name") is { } why)
        {
            throw Invalid($"data://{shown}: {why}");
        }

        var stored = string.Join('/', segments.Skip(1).Prepend(owner));
        return segments.Length == 1
            ? new DataLocation(DataArea.Account, stored, shown, owner, null)
            : new DataLocation(DataArea.Collection, stored, shown, owner, owner + "/" + segments[1]);
    }

    private static DataLocation Session(string[] segments, DataCaller caller, string? session, string shown)
    {
        if (session is null || caller.Account is null)
        {
            throw Invalid($"data://{shown}: .session exists only inside an algorithm call, for the call's lifetime");
        }

        var root = DataSessions.Root(session);
        return new DataLocation(DataArea.Private, string.Join('/', segments.Skip(1).Prepend(root)), shown, caller.Account.Account, root);
    }

    private static DataLocation Algo(string[] segments, DataCaller caller, string shown)
    {
        var account = Own(caller, shown);
        AlgorithmName algorithm;
        int rest;
        if (segments.Length >= 2 && segments[1] is "temp" or "perm")
        {
            algorithm = caller.Algorithm ?? throw Invalid($"data://{shown}: .algo/{segments[1]} names the running algorithm, so it works only inside an instance; elsewhere use .algo/OWNER/NAME/{segments[1]}");
            rest = 1;
        }
        else if (segments.Length >= 4 && segments[3] is "temp" or "perm" && AlgorithmName.TryParse($"{segments[1]}/{segments[2]}", out var named, out _))
        {
            algorithm = named;
            rest = 3;
        }
        else
        {
            throw Invalid($"data://{shown}: an algorithm's data is .algo/OWNER/NAME/temp/... or .algo/OWNER/NAME/perm/...");
        }

        var root = $".algo/{account}/{algorithm.Owner}/{algorithm.Name}/{segments[rest]}";
        return new DataLocation(DataArea.Private, string.Join('/', segments.Skip(rest + 1).Prepend(root)), shown, account, root);
    }

    private static string Own(DataCaller caller, string shown) =>
        caller.Account?.Account ?? throw Invalid($"data://{shown}: an admin key has no account of its own; name the owner instead of .my and .algo");

    private static string Printable(string segment) => new([.. segment.Select(c => char.IsControl(c) ? '?' : c)]);

    private static DataRefusedException Invalid(string message) => new(400, message);
}
