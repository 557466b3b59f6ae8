using System.Globalization;

namespace Hearth.Core.Reservations;

/// <summary>A count of instances: a positive integer, at most <see cref="Max"/>.</summary>
public static class InstanceCount
{
    /// <summary>A bound that stops a typo from asking the cluster for millions of processes.</summary>
    public const int Max = 1000;

    /// <summary>The count, or the reason it is not one; <paramref name="what"/> names the field in the message.</summary>
    public static int? Parse(string? text, string what, out string? error)
    {
        error = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = $"{what} is required: a positive integer such as 1";
            return null;
        }

        var negative = trimmed[0] == '-';
        var digits = negative || trimmed[0] == '+' ? trimmed[1..] : trimmed;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            error = $"{what} \"{trimmed}\" is not an integer; give a positive whole number such as 1";
            return null;
        }

        if (negative)
        {
            error = digits.All(c => c == '0')
                ? $"{what} is 0; a reservation keeps at least 1 instance warm"
                : $"{what} {trimmed} is negative; give a positive whole number such as 1";
            return null;
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > Max)
        {
            error = $"{what} {digits} is too large; at most {Max} instances";
            return null;
        }

        if (count == 0)
        {
            error = $"{what} is 0; a reservation keeps at least 1 instance warm";
            return null;
        }

        return count;
    }
}
