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
