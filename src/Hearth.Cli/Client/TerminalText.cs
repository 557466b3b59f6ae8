using System.Globalization;
using System.Text;

namespace Hearth.Cli.Client;

/// <summary>
/// What a client command prints comes from the supervisor, and so from other people: a job's name, an error that
/// quotes a value. A control character in it (ESC above all) would reach the terminal as a command to it, so every
/// one but a line feed or a tab is printed escaped instead, as <c>\x1b</c>. A job's own output, which <c>logs</c>
/// copies byte for byte, does not pass here.
/// </summary>
internal sealed class TerminalText(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    private static TextWriter? _rawError;

    /// <summary>
    /// Standard error as it was before <see cref="Guard"/>: for what the CLI draws itself with escape sequences on
    /// purpose (progress bars), never for text from the supervisor.
    /// </summary>
    public static TextWriter RawError => _rawError ?? Console.Error;

    /// <summary>Routes standard output and standard error through the escaping, once per process.</summary>
    public static void Guard()
    {
        if (_rawError is not null)
        {
            return;
        }

        _rawError = Console.Error;
        Console.SetOut(new TerminalText(Console.Out));
        Console.SetError(new TerminalText(Console.Error));
    }

    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsEscaped))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = IsEscaped(c) ? escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : escaped.Append(c);
        }

        return escaped.ToString();
    }

    public override void Write(char value)
    {
        if (IsEscaped(value))
        {
            inner.Write(Escape(value.ToString()));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is not null)
        {
            inner.Write(Escape(value));
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush() => inner.Flush();

    private static bool IsEscaped(char c) => char.IsControl(c) && c is not '\n' and not '\t';
}
