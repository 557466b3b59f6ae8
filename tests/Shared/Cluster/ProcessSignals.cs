using System.Runtime.InteropServices;

namespace Hearth.Testing;

/// <summary>Signals and process-group checks the tests need and .NET does not expose.</summary>
internal static partial class ProcessSignals
{
    public static void Terminate(int pid) => _ = Kill(pid, 15);

    public static void KillNow(int pid) => _ = Kill(pid, 9);

    public static void KillGroup(int groupId) => _ = Kill(-groupId, 9);

    /// <summary>The processes (other than zombies) whose process group is <paramref name="groupId"/>, from /proc.</summary>
    public static List<int> InGroup(int groupId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) == groupId)
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return members;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
