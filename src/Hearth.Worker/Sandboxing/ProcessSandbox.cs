using System.Globalization;

namespace Hearth.Worker.Sandboxing;

/// <summary>One process tree's sandbox: the command that starts it, and its cgroup, which outlives the process until disposed.</summary>
internal sealed class ProcessSandbox(SandboxCommand command, SandboxRuntime runtime, Cgroup cgroup, CgroupLimits limits) : IDisposable
{
    public int Uid => command.Uid;

    public Cgroup Cgroup => cgroup;

    /// <summary>
    /// The argv that runs the entry command's program with <paramref name="arguments"/> in the sandbox, with only
    /// <paramref name="environment"/> (plus PATH, HOME and TMPDIR for the sandbox), and <paramref name="output"/>, the
    /// host FIFO, at <see cref="SandboxCommand.OutputPath"/>. With <paramref name="announce"/>, the sandbox prints
    /// <see cref="SandboxCommand.EnteredMarker"/> on stderr just before it runs the program, so a start can be timed.
    /// </summary>
    public IReadOnlyList<string> Command(IEnumerable<string> arguments, string? output, IReadOnlyDictionary<string, string> environment, bool announce = false)
    {
        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            ["PATH"] = RuntimeLocator.PathFor(runtime),
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
        };
        return (command with { Output = output, Environment = variables, Announce = announce }).Build(runtime.Program, arguments);
    }

    /// <summary>Lets the sandbox's uid write to the host FIFO, which the worker created as its own.</summary>
    public void GrantOutput(string fifo)
    {
        if (command.Setpriv is not null)
        {
            if (Chown.Change(fifo, command.Uid) is { } error)
            {
                throw new SandboxException($"cannot hand the output pipe to uid {command.Uid}: {error}");
            }
        }
    }

    /// <summary>
    /// Non-null when the kernel's OOM killer killed a process in it: the message for the call and the log. Without a
    /// host.memory reservation the cgroup has no memory limit, so the memory ran out above it.
    /// </summary>
    public string? ExceededReservation(string what = "instance") =>
        cgroup.OomKills() == 0 ? null
        : limits.MemoryMegabytes is { } megabytes ? $"{what} exceeded its reservation host.memory={megabytes.ToString(CultureInfo.InvariantCulture)}"
        : $"{what} was killed by the kernel's OOM killer: the worker or its machine ran out of memory (its reservation names no host.memory, so it had no limit of its own)";

    public void Dispose() => cgroup.Dispose();
}
