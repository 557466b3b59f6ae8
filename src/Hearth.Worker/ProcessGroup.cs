using Hearth.Worker.Spawning;

namespace Hearth.Worker;

/// <summary>
/// Signals a whole process group. Subjobs start in a session of their own (<see cref="SessionProcess"/>), so
/// each is the leader of its own group (its pid is the group id) and everything it spawns can be stopped with it.
/// </summary>
internal static class ProcessGroup
{
    public const int SigKill = Posix.SigKill;
    public const int SigTerm = Posix.SigTerm;

    /// <summary>Sends <paramref name="signal"/> to every process in the group; false when the group is already gone.</summary>
    public static bool Signal(int groupId, int signal)
    {
        if (groupId <= 1 || !OperatingSystem.IsLinux())
        {
            return false;
        }

        return Posix.Kill(-groupId, signal) == 0;
    }
}
