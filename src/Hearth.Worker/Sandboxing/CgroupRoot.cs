using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Sandboxing;

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

    /// <summary>The worker's own cgroup directories: one per controller (v1) or one (v2).</summary>
    public abstract IReadOnlyList<string> Directories { get; }

    /// <summary>Removes the worker's own cgroup directories, once every child cgroup is gone.</summary>
    public abstract void Dispose();

    /// <summary>
    /// Finds the cgroup layout and makes a directory for this worker in it. v2 is used when its hierarchy holds the
    /// memory, cpu and pids controllers (a pure v2 host); else v1 when each has its own hierarchy (the hybrid
    /// layout). Returns null with <paramref name="why"/> when neither is usable. <paramref name="record"/>, a file of
    /// the worker's run directory, lists the directories made: what a crashed predecessor listed there is emptied
    /// and removed first, then the file names the new ones.
    /// </summary>
    public static CgroupRoot? Open(string workerName, string record, out string why) => Open(workerName, CgroupMounts.Read(), record, out why);

    /// <summary><see cref="Open(string, string, out string)"/> over the hierarchies in <paramref name="mounts"/>.</summary>
    public static CgroupRoot? Open(string workerName, CgroupMounts mounts, string record, out string why)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        var name = Sanitize(workerName);
        var suffix = $"hearth-{name[..Math.Min(32, name.Length)]}-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            RemoveLeftovers(record);
            CgroupRoot? root = null;
            if (mounts.V2 is { } v2 && CgroupV2.HasControllers(v2))
            {
                root = CgroupV2.Open(v2, suffix);
            }
            else if (mounts.V1.ContainsKey("memory") && mounts.V1.ContainsKey("cpu") && mounts.V1.ContainsKey("pids"))
            {
                root = CgroupV1.Open(mounts.V1, suffix);
            }

            if (root is not null)
            {
                File.WriteAllLines(record, root.Directories);
                why = "";
                return root;
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

    /// <summary>
    /// Kills whatever is left in the cgroups a previous worker of this run directory made, and removes them: a
    /// worker that crashed never did. Only directories named like a worker's own (<c>hearth-NAME-XXXXXXXX</c>) are touched.
    /// </summary>
    private static void RemoveLeftovers(string record)
    {
        if (!File.Exists(record))
        {
            return;
        }

        foreach (var directory in File.ReadAllLines(record).Where(d => Path.GetFileName(d).StartsWith("hearth-", StringComparison.Ordinal) && Directory.Exists(d)))
        {
            foreach (var child in Directory.GetDirectories(directory))
            {
                var kill = Path.Combine(child, "cgroup.kill");
                if (File.Exists(kill))
                {
                    Write(kill, "1");
                }
                else
                {
                    KillAll(Path.Combine(child, "cgroup.procs"));
                }

                RemoveDirectory(child);
            }

            RemoveDirectory(directory);
        }

        File.Delete(record);
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
