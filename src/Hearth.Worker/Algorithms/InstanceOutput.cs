using System.Diagnostics;
using Hearth.Core.Algorithms;
using Hearth.Worker.Sandboxing;

namespace Hearth.Worker.Algorithms;

/// <summary>
/// An instance's stdout and stderr, pumped into its log: on stdout, the load output until <c>PIPE_INIT_COMPLETE</c>,
/// and the lines a call asked to capture; on stderr, the sandbox's line saying it is about to run the program.
/// </summary>
/// <param name="sandboxed">Whether the process is a sandbox, whose entry into the program is announced on stderr.</param>
internal sealed class InstanceOutput(Process process, InstanceLog log, bool sandboxed)
{
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StdoutCapture? _capture;
    private long _enteredAt;
    private long _initializedAt;

    /// <summary>Completes when the instance prints <c>PIPE_INIT_COMPLETE</c>.</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>When it printed <c>PIPE_INIT_COMPLETE</c>, as a <see cref="Stopwatch"/> timestamp; zero before.</summary>
    public long InitializedAt => Volatile.Read(ref _initializedAt);

    /// <summary>When the sandbox announced it runs the program, as a <see cref="Stopwatch"/> timestamp; zero before (or without a sandbox).</summary>
    public long EnteredAt => Volatile.Read(ref _enteredAt);

    /// <summary>Pumps both streams until they end.</summary>
    public Task PumpAsync() => Task.WhenAll(PumpStdoutAsync(), PumpStderrAsync());

    /// <summary>Stdout lines go to <paramref name="capture"/> too, until <see cref="Detach"/>.</summary>
    public void Attach(StdoutCapture? capture) => Volatile.Write(ref _capture, capture);

    public void Detach(StdoutCapture capture) => Interlocked.CompareExchange(ref _capture, null, capture);

    private async Task PumpStdoutAsync()
    {
        var reader = process.StandardOutput;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            // Anywhere on the line, as Algorithmia's runner finds it: a framework may print it inside its own log format.
            if (!_initialized.Task.IsCompleted && line.Contains(PipeProtocol.InitComplete, StringComparison.Ordinal))
            {
                Interlocked.CompareExchange(ref _initializedAt, Stopwatch.GetTimestamp(), 0);
                _initialized.TrySetResult();
                continue;
            }

            Volatile.Read(ref _capture)?.Add(line);
            log.Add(LogStream.Stdout, line);
        }
    }

    private async Task PumpStderrAsync()
    {
        var reader = process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (sandboxed && Volatile.Read(ref _enteredAt) == 0 && line == SandboxCommand.EnteredMarker)
            {
                Interlocked.CompareExchange(ref _enteredAt, Stopwatch.GetTimestamp(), 0);
                continue;
            }

            log.Add(LogStream.Stderr, line);
        }
    }
}
