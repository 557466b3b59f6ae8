namespace Hearth.Worker.Sandboxing;

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
