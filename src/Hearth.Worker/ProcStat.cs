using System.Globalization;

namespace Hearth.Worker;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> Hearth reads: state, parent, session, start time (fields 3, 4, 6 and 22)
/// and the user and system CPU ticks (fields 14 and 15, in USER_HZ, which Linux fixes at 100 for /proc).
/// </summary>
public readonly record struct ProcStat(char State, int Parent, int Session, long StartTicks, long CpuTicks)
{
    public const double TicksPerSecond = 100;

    /// <summary>The process's stat; null when there is no such process (or /proc).</summary>
    public static ProcStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses; everything after its last ')' is plain.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19
            && int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parent)
            && int.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var session)
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(fields[0][0], parent, session, start, user + system)
            : null;
    }
}
