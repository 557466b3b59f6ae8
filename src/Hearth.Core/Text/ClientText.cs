using System.Globalization;

namespace Hearth.Core.Text;

/// <summary>
/// What a string sent from outside may hold before anything keeps it: no NUL, no other control character (C0, DEL or
/// C1) and no lone UTF-16 surrogate. A NUL or a lone surrogate is a value no database stores as text, and a control
/// character in a name would reach someone's terminal. Only multi-line fields (a command's arguments, an expression)
/// may hold tabs, line feeds and carriage returns.
/// </summary>
public static class ClientText
{
    /// <summary>The index of the first character <paramref name="text"/> may not hold, or -1.</summary>
    public static int IndexOfProblem(string? text, bool multiline = false)
    {
        if (text is null)
        {
            return -1;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || (char.IsControl(c) && !(multiline && c is '\t' or '\n' or '\r')))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Null when <paramref name="text"/> may be kept, else what is wrong with it, as a phrase (<c>holds a NUL character (U+0000) at character 3; ...</c>).</summary>
    public static string? Problem(string? text, bool multiline = false)
    {
        var at = IndexOfProblem(text, multiline);
        return at < 0 ? null : string.Create(
            CultureInfo.InvariantCulture,
            $"holds {Describe(text![at])} at character {at + 1}; it may hold only printable text{(multiline ? ", tabs and line breaks" : "")}");
    }

    /// <summary>Throws the exception <paramref name="refuse"/> makes, naming <paramref name="field"/>, when <paramref name="text"/> may not be kept.</summary>
    public static void Require(string? text, string field, Func<string, Exception> refuse, bool multiline = false)
    {
        ArgumentNullException.ThrowIfNull(refuse);
        if (Problem(text, multiline) is { } problem)
        {
            throw refuse($"{field} {problem}");
        }
    }

    /// <summary>A character that may not be kept, in words: <c>a NUL character (U+0000)</c>.</summary>
    public static string Describe(char c) => c switch
    {
        '\0' => "a NUL character (U+0000)",
        _ when char.IsSurrogate(c) => string.Create(CultureInfo.InvariantCulture, $"a lone UTF-16 surrogate (U+{(int)c:X4}), which is not text"),
        _ => string.Create(CultureInfo.InvariantCulture, $"the control character U+{(int)c:X4}"),
    };
}
