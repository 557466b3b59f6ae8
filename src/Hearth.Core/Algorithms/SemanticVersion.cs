using System.Globalization;

namespace Hearth.Core.Algorithms;

/// <summary>
/// A published version, <c>MAJOR.MINOR.PATCH</c>: three non-negative integers with no leading zeros, no
/// pre-release or build suffix. Ordered numerically, part by part.
/// </summary>
public readonly record struct SemanticVersion(int Major, int Minor, int Patch) : IComparable<SemanticVersion>
{
    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var version, out var error) ? version : throw new AlgorithmFormatException(error!);

    public static bool TryParse(string? text, out SemanticVersion version, out string? error)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "version is empty: expected MAJOR.MINOR.PATCH, e.g. 1.0.0";
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            error = $"version \"{text}\" must be MAJOR.MINOR.PATCH, three numbers, e.g. 1.0.0";
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (!TryParsePart(parts[i], out numbers[i], out var why))
            {
                error = $"version \"{text}\": {why}";
                return false;
            }
        }

        version = new SemanticVersion(numbers[0], numbers[1], numbers[2]);
        error = null;
        return true;
    }

    /// <summary>One numeric part: digits only, no sign, no leading zero unless it is 0 itself.</summary>
    internal static bool TryParsePart(string part, out int value, out string? error)
    {
        value = 0;
        if (part.Length == 0)
        {
            error = "a part is empty";
            return false;
        }

        foreach (var c in part)
        {
            if (!char.IsAsciiDigit(c))
            {
                error = $"part \"{part}\" is not a non-negative integer";
                return false;
            }
        }

        if (part.Length > 1 && part[0] == '0')
        {
            error = $"part \"{part}\" has a leading zero";
            return false;
        }

        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = $"part \"{part}\" is too large";
            return false;
        }

        error = null;
        return true;
    }

    public int CompareTo(SemanticVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        return c != 0 ? c : Patch.CompareTo(other.Patch);
    }

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
}
