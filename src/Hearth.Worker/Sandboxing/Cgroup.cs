using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Sandboxing;

/// <summary>The limits one sandboxed process tree gets: memory in MB and CPU in cores when its request names them, and a pids cap.</summary>
internal sealed record CgroupLimits(long? MemoryMegabytes, double? Cores, int Pids);

/// <summary>
/// Where this worker makes its cgroups: one directory per controller (cgroup v1) or one directory (v2), under the
/// worker's own cgroup, so what the worker was given bounds everything it starts.
/// </summary>
internal abstract class CgroupRoot
{
    /// <summary>"cgroup v2" or "cgroup v1", for the start line and the docs.</summary>
    public abstract string Kind { get; }

    /// <summary>Creates an empty cgroup with <paramref name="limits"/>; throws <see cref="IOException"/> when it cannot.</summary>
    public abstract Cgroup Create(string name, CgroupLimits limits);

    /// <summary>Removes the worker's own cgroup directories, once every child cgroup is gone.</summary>
    public abstract void Dispose();

    /// <summary>
    /// Finds the cgroup layout and makes a directory for this worker in it. v2 is used when its hierarchy holds the
    /// memory, cpu and pids controllers (a pure v2 host); else v1 when each has its own hierarchy (the hybrid
    /// layout). Returns null with <paramref name="why"/> when neither is usable.
    /// </summary>
    public static CgroupRoot? Open(string workerName, out string why) => Open(workerName, CgroupMounts.Read(), out why);

    /// <summary><see cref="Open(string, out string)"/> over the hierarchies in <paramref name="mounts"/>.</summary>
    public static CgroupRoot? Open(string workerName, CgroupMounts mounts, out string why)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        var name = Sanitize(workerName);
        var suffix = $"hearth-{name[..Math.Min(32, name.Length)]}-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            if (mounts.V2 is { } v2 && CgroupV2.HasControllers(v2))
            {
                why = "";
                return CgroupV2.Open(v2, suffix);
            }

            if (mounts.V1.ContainsKey("memory") && mounts.V1.ContainsKey("cpu") && mounts.V1.ContainsKey("pids"))
            {
                why = "";
                return CgroupV1.Open(mounts.V1, suffix);
            }

            why = "no cgroup hierarchy with the memory, cpu and pids controllers";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"cannot create cgroups: {e.Message}";
            return null;
        }
    }

    internal static string Sanitize(string name) =>
        new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);

    internal static void Write(string file, string value) => File.WriteAllText(file, value);

    internal static void RemoveDirectory(string directory)
    {
        // A cgroup directory holds only kernel files: rmdir, not a recursive delete. It stays busy until its last
        // process is reaped, which takes a moment after a kill.
        var deadline = Environment.TickCount64 + 5000;
        while (Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory);
                return;
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    internal static void KillAll(string procsFile)
    {
        try
        {
            foreach (var line in File.ReadAllLines(procsFile))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    _ = Posix.Kill(pid, Posix.SigKill);
                }
            }
        }
        catch (IOException)
        {
            // Already removed.
        }
    }
}

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

/// <summary>The cgroup hierarchies this process sees, from <c>/proc/self/mountinfo</c> and <c>/proc/self/cgroup</c>.</summary>
internal sealed record CgroupMounts(string? V2, IReadOnlyDictionary<string, string> V1)
{
    public static CgroupMounts Read() => Parse(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>The hierarchies from the text of <c>/proc/self/cgroup</c> and <c>/proc/self/mountinfo</c>.</summary>
    public static CgroupMounts Parse(string cgroup, string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        ArgumentNullException.ThrowIfNull(mountinfo);

        // Our own place in each hierarchy: "ID:controllers:/path", "0::/path" for v2.
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in cgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
            {
                foreach (var controller in parts[1].Split(','))
                {
                    own[controller] = parts[2];
                }
            }
        }

        string? v2 = null;
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
            var halves = line.Split(" - ", 2);
            if (halves.Length != 2)
            {
                continue;
            }

            var fields = halves[0].Split(' ');
            var tail = halves[1].Split(' ');
            if (fields.Length < 5 || tail.Length < 3)
            {
                continue;
            }

            var (root, mountPoint) = (Unescape(fields[3]), Unescape(fields[4]));
            if (tail[0] == "cgroup2" && own.TryGetValue("", out var path2))
            {
                v2 = Under(mountPoint, root, path2);
            }
            else if (tail[0] == "cgroup")
            {
                foreach (var option in tail[2].Split(','))
                {
                    if (option is "memory" or "cpu" or "pids" && own.TryGetValue(option, out var path1))
                    {
                        v1[option] = Under(mountPoint, root, path1);
                    }
                }
            }
        }

        return new CgroupMounts(v2, v1);
    }

    /// <summary>Our cgroup's directory: the mount shows the hierarchy from <paramref name="root"/> down.</summary>
    private static string Under(string mountPoint, string root, string path)
    {
        var relative = root == "/" ? path : path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..] : path;
        return Path.Join(mountPoint, relative.TrimStart('/'));
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal);
}
