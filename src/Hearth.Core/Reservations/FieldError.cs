using System.Globalization;

namespace Hearth.Core.Reservations;

/// <summary>
/// One reason a reservation is refused: the field it concerns (its wire name) and a message that names the field
/// and says why, ready to show beside the field on the admin page or print from the API and the CLI.
/// </summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => Message;
}

/// <summary>The wire names of a reservation's fields.</summary>
public static class ReservationFields
{
    public const string CallingUser = "calling_user";
    public const string Algorithm = "algorithm";
    public const string VersionType = "version_type";
    public const string Count = "count";
    public const string Schedule = "schedule";
    public const string TimeZone = "time_zone";
}

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
