namespace Hearth.Core.Algorithms;

/// <summary>
/// Account and algorithm names: 1 to 64 characters of ASCII letters, digits, '_' and '-', starting with a
/// letter or digit. Names are case-sensitive.
/// </summary>
public static class Names
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name) => Why(name, "name") is null;

    /// <summary>Null when <paramref name="name"/> is valid, else the reason, naming it as <paramref name="what"/>.</summary>
    public static string? Why(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"{what} \"{name}\" is longer than {MaxLength} characters";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return $"{what} \"{name}\" must start with a letter or digit";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return $"{what} \"{name}\" may hold only letters, digits, '_' and '-'";
            }
        }

        return null;
    }

    public static void Require(string? name, string what)
    {
        if (Why(name, what) is { } why)
        {
            throw new AlgorithmFormatException(why);
        }
    }
}

/// <summary>An algorithm's full name, <c>OWNER/NAME</c>, where OWNER is the account that holds it.</summary>
public readonly record struct AlgorithmName(string Owner, string Name)
{
    public static AlgorithmName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new AlgorithmFormatException(error!);

    public static bool TryParse(string? text, out AlgorithmName name, out string? error)
    {
        name = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash < 0 || text.IndexOf('/', slash + 1) >= 0)
        {
            error = $"algorithm \"{text}\" must be written OWNER/NAME";
            return false;
        }

        error = Names.Why(text[..slash], "owner") ?? Names.Why(text[(slash + 1)..], "algorithm name");
        if (error is not null)
        {
            error = $"algorithm \"{text}\": {error}";
            return false;
        }

        name = new AlgorithmName(text[..slash], text[(slash + 1)..]);
        return true;
    }

    public override string ToString() => $"{Owner}/{Name}";
}

/// <summary>
/// <c>OWNER/NAME[/VERSION]</c> as written in a call path, the CLI or a reservation: an algorithm and an
/// optional version reference.
/// </summary>
public sealed record AlgorithmPath(AlgorithmName Algorithm, VersionReference Version)
{
    public static AlgorithmPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3)
        {
            throw new AlgorithmFormatException($"\"{text}\" must be written OWNER/NAME or OWNER/NAME/VERSION");
        }

        var algorithm = AlgorithmName.Parse($"{parts[0]}/{parts[1]}");
        return new AlgorithmPath(algorithm, VersionReference.Parse(parts.Length == 3 ? parts[2] : null));
    }

    public override string ToString() => Version.Kind == VersionReferenceKind.LatestPublic && Version.Text is null
        ? Algorithm.ToString()
        : $"{Algorithm}/{Version}";
}
