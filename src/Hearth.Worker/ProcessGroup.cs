using System.Runtime.InteropServices;

namespace Hearth.Worker;

/// <summary>
/// Signals a whole process group. Subjobs start through <c>setsid</c>, so each is the leader of its own
/// group (its pid is the group id) and everything it spawns can be stopped with it.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to every process in the group; false when the group is already gone.</summary>
    public static bool Signal(int groupId, int signal)
    {
        if (groupId <= 1 || OperatingSystem.IsWindows())
        {
            return false;
        }

        return Kill(-groupId, signal) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
