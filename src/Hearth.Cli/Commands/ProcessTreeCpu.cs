using System.Globalization;

namespace Hearth.Cli.Commands;

/// <summary>
/// CPU time used so far by this process's descendants that are still running (the algorithm instances, under
/// their sandboxes), read from /proc: a benchmark takes it before and after a measurement to tell the instances'
/// share of a call from Hearth's own. Zero where /proc is not there.
/// </summary>
internal static class ProcessTreeCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, which Linux fixes at 100 for /proc.

    public static TimeSpan Descendants()
    {
        if (!Directory.Exists("/proc"))
        {
            return TimeSpan.Zero;
        }

        var parents = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                parents[pid] = stat;
            }
        }

        var self = Environment.ProcessId;
        long ticks = 0;
        foreach (var (pid, (_, own)) in parents)
        {
            for (var up = parents[pid].Parent; up > 1 && parents.TryGetValue(up, out var next); up = next.Parent)
            {
                if (up == self)
                {
                    ticks += own;
                    break;
                }
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The parent and user+system ticks from /proc/PID/stat; null when the process went meanwhile.</summary>
    private static (int Parent, long Ticks)? Read(int pid)
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

        // The command name is in parentheses and may hold spaces; the fields after it are plain numbers.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (parent, user + system)
            : null;
    }
}
