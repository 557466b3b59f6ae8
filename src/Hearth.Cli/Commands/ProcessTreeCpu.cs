using System.Globalization;
using Hearth.Worker;

namespace Hearth.Cli.Commands;

/// <summary>
/// CPU time used so far by this process's descendants that are still running (the algorithm instances, under
/// their sandboxes), read from /proc: a benchmark takes it before and after a measurement to tell the instances'
/// share of a call from Hearth's own. Zero where /proc is not there.
/// </summary>
internal static class ProcessTreeCpu
{
    public static TimeSpan Descendants()
    {
        if (!Directory.Exists("/proc"))
        {
            return TimeSpan.Zero;
        }

        var parents = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcStat.Read(pid) is { } stat)
            {
                parents[pid] = (stat.Parent, stat.CpuTicks);
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

        return TimeSpan.FromSeconds(ticks / ProcStat.TicksPerSecond);
    }
}
