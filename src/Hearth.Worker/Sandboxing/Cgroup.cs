using System.Globalization;

namespace Hearth.Worker.Sandboxing;

/// <summary>One instance's (or subjob's) cgroup: the files its first process is written into, and its OOM kills.</summary>
internal abstract class Cgroup : IDisposable
{
    /// <summary>The <c>cgroup.procs</c> files the process is written into before it runs anything.</summary>
    public abstract IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>How many processes the kernel's OOM killer has killed in it for exceeding its memory limit.</summary>
    public abstract long OomKills();

    /// <summary>Sets the CPU quota, as an <c>N-M</c> job grows or shrinks.</summary>
    public abstract void SetCores(double cores);

    /// <summary>Kills whatever is left in it and removes it.</summary>
    public abstract void Dispose();

    internal static long Counter(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (IOException)
        {
            // Gone: nothing to count.
        }

        return 0;
    }
}
