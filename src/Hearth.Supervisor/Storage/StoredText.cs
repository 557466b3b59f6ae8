using System.Globalization;
using Hearth.Core.Text;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// The one rule for text every backend keeps alike: no NUL (PostgreSQL's text cannot hold one, nor its jsonb an
/// escaped one) and no lone UTF-16 surrogate (not text; PostgreSQL refuses it and SQLite would quietly replace it).
/// The stores check every parameter with it before sending a statement, and the scheduling loop checks a command's
/// text with it before applying the command, so one request's text never fails a batch of others.
/// </summary>
public static class StoredText
{
    /// <summary>Null when every backend keeps <paramref name="text"/> as it is, else what is wrong, as a phrase.</summary>
    public static string? Problem(string? text, bool json = false)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (c == '\0' || char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"holds {ClientText.Describe(c)} at character {i + 1}; no store keeps it as text");
            }
        }

        return json && HasEscapedNul(text) ? "is JSON holding an escaped NUL (\\u0000); no store keeps it" : null;
    }

    /// <summary>Throws <see cref="UnstorableValueException"/> naming <paramref name="what"/> when a backend would refuse <paramref name="text"/>.</summary>
    public static void Check(string? text, string what, bool json = false)
    {
        if (Problem(text, json) is { } problem)
        {
            throw new UnstorableValueException($"{what} {problem}");
        }
    }

    /// <summary>
    /// <paramref name="text"/> with what no store keeps replaced by U+FFFD: for diagnostic text a worker reports (why a
    /// process could not start), which is kept as well as it can be rather than refused.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Problem(text) is null)
        {
            return text;
        }

        var clean = text.ToCharArray();
        for (var i = 0; i < clean.Length; i++)
        {
            if (char.IsHighSurrogate(clean[i]) && i + 1 < clean.Length && char.IsLowSurrogate(clean[i + 1]))
            {
                i++;
            }
            else if (clean[i] == '\0' || char.IsSurrogate(clean[i]))
            {
                clean[i] = '\uFFFD';
            }
        }

        return new string(clean);
    }

    /// <summary>A <c>\u0000</c> escape in JSON text: one after an odd run of backslashes, not a quoted backslash.</summary>
    private static bool HasEscapedNul(string json)
    {
        for (var at = json.IndexOf("\\u0000", StringComparison.Ordinal); at >= 0; at = json.IndexOf("\\u0000", at + 1, StringComparison.Ordinal))
        {
            var slashes = 0;
            for (var i = at; i >= 0 && json[i] == '\\'; i--)
            {
                slashes++;
            }

            if (slashes % 2 == 1)
            {
                return true;
            }
        }

        return false;
    }
}
