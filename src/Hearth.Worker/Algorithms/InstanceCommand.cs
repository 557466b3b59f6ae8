using System.Diagnostics;
using System.Text;
using Hearth.Core.Algorithms;
using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Algorithms;

/// <summary>How an instance's process is started: its entry command in the build directory, with only its own environment.</summary>
internal static class InstanceCommand
{
    /// <summary>The start of <paramref name="launch"/>'s process, answering on the FIFO at <paramref name="fifoPath"/>.</summary>
    public static ProcessStartInfo StartInfo(InstanceLaunch launch, string fifoPath)
    {
        var start = new ProcessStartInfo
        {
            FileName = ResolveProgram(launch.Entrypoint[0], launch.Directory),
            WorkingDirectory = launch.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in launch.Entrypoint.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        // ProcessStartInfo starts from the worker's whole environment; the instance gets only its own.
        start.Environment.Clear();
        foreach (var (name, value) in ChildEnvironment.For(launch.Environment, (PipeProtocol.OutputVariable, fifoPath), ("HEARTH_INSTANCE_ID", launch.Id)))
        {
            start.Environment[name] = value;
        }

        start.Environment.TryAdd("PYTHONUNBUFFERED", "1");
        if (launch.Sandbox is { } sandbox)
        {
            Sandboxed(start, sandbox, launch, fifoPath);
        }

        return start;
    }

    /// <summary>The same start inside the sandbox: the FIFO appears at /tmp/algoout, and only these variables pass in.</summary>
    private static void Sandboxed(ProcessStartInfo start, ProcessSandbox sandbox, InstanceLaunch launch, string fifoPath)
    {
        sandbox.GrantOutput(fifoPath);
        // The instance's own environment, already minimal, with the output pipe where the sandbox mounts it.
        var environment = start.Environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);
        environment[PipeProtocol.OutputVariable] = SandboxCommand.OutputPath;
        var argv = sandbox.Command(launch.Entrypoint.Skip(1), fifoPath, environment, announce: true);
        // The sandbox's first process (pid 1 inside) is bubblewrap itself: it gets nothing of the worker's environment either.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.FileName = argv[0];
        start.ArgumentList.Clear();
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
    }

    /// <summary>A relative program path is taken from the build directory; a bare name is looked up on PATH.</summary>
    private static string ResolveProgram(string program, string directory) =>
        program.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(program) ? Path.GetFullPath(Path.Combine(directory, program)) : program;}
