using System.Diagnostics;
using System.Text;
using Hearth.Core.Algorithms;
using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Algorithms;

/// <summary>How to start one instance: its ID, the build directory, the entry argv and how long it may take to load.</summary>
internal sealed record InstanceLaunch(string Id, string Directory, IReadOnlyList<string> Entrypoint, TimeSpan LoadTimeout, string RuntimeDirectory)
{
    /// <summary>The base environment (<see cref="ChildEnvironment.Base"/>); the instance's own variables are set over it.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ChildEnvironment.Base();

    /// <summary>Told the process ID as soon as the process exists, before it has loaded, so it can be recorded.</summary>
    public Action<int>? Spawned { get; init; }

    /// <summary>The sandbox the instance runs in, or null to run it as the worker does.</summary>
    public ProcessSandbox? Sandbox { get; init; }
}

/// <summary>The instance could not be started: it failed to spawn, exited while loading, or took too long to load.</summary>
internal sealed class InstanceStartException(string message) : Exception(message);

/// <summary>How a call on an instance ended.</summary>
internal enum CallOutcome
{
    /// <summary>A response line arrived on the output pipe.</summary>
    Replied,

    /// <summary>The process exited while the call was in flight.</summary>
    Crashed,

    /// <summary>No response within the call's timeout; the process was killed.</summary>
    TimedOut,

    /// <summary>The instance was stopped while the call was in flight.</summary>
    Stopped,
}

/// <summary>A call's ending: the response line on <see cref="CallOutcome.Replied"/>, else a message saying what happened.</summary>
internal sealed record InstanceReply(CallOutcome Outcome, byte[]? Line, string? Failure)
{
    /// <summary>What the instance printed on stdout while serving the call, when the call asked for it.</summary>
    public string? Stdout { get; init; }

    public PipeResponse Parse() => Line is null ? new PipeMalformed(Failure ?? "no response") : PipeProtocol.ParseResponse(Line);
}

/// <summary>
/// Where a start's time went: <paramref name="Start"/> until the first process is spawned (its FIFO made and
/// <c>fork</c>/<c>exec</c> done), <paramref name="Sandbox"/> from then until the sandbox runs the entry program (zero
/// without one), and <paramref name="Load"/> from then until <c>PIPE_INIT_COMPLETE</c>.
/// </summary>
internal sealed record LaunchTimes(TimeSpan Start, TimeSpan Sandbox, TimeSpan Load);

/// <summary>How the process ended.</summary>
internal sealed record InstanceExit(int? ExitCode, bool Killed, string Description);

/// <summary>
/// One running instance, driven with the pipe protocol (SPEC section 4): the entry command starts in the build
/// directory with <c>ALGOOUT</c> naming a FIFO; once it prints <c>PIPE_INIT_COMPLETE</c> it takes one JSON request
/// per line on stdin and answers with one JSON line on the FIFO, whether it holds the FIFO open or reopens it for
/// every response. One call at a time. A crash (exit) or hang (call timeout) gives the call in flight a clear error.
/// </summary>
internal sealed partial class InstanceProcess : IAsyncDisposable
{
    private readonly InstanceLaunch _launch;
    private readonly InstanceLog _log;
    private readonly TimeProvider _time;
    private readonly Process _process;
    private readonly string _fifoPath;
    private readonly FileStream _fifo;
    private readonly FileStream _fifoWriter;
    private readonly Stream _stdin;
    private readonly byte[] _sentinel;
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<InstanceExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _reader;
    private const int SmallRequest = 16 * 1024;

    private PendingCall? _pending;
    private StdoutCapture? _capture;
    private volatile bool _stopping;
    private volatile string? _killReason;
    private int _disposed;
    private long _startedAt;
    private long _spawnedAt;
    private long _enteredAt;
    private long _initializedAt;

    private InstanceProcess(InstanceLaunch launch, InstanceLog log, TimeProvider time, Process process, string fifoPath, FileStream fifo, FileStream fifoWriter)
    {
        _launch = launch;
        _log = log;
        _time = time;
        _process = process;
        _fifoPath = fifoPath;
        _fifo = fifo;
        _fifoWriter = fifoWriter;
        _stdin = process.StandardInput.BaseStream;
        _sentinel = Encoding.ASCII.GetBytes($"\u0001hearth-pipe-closed-{Guid.NewGuid():N}\n");
        _reader = new Thread(ReadResponses) { IsBackground = true, Name = $"instance {launch.Id} output" };
    }

    public string Id => _launch.Id;

    public int ProcessId => _process.Id;

    public InstanceLog Log => _log;

    /// <summary>The start's steps, once loaded. A sandbox whose announcement was not read yet counts as entered at once.</summary>
    public LaunchTimes Times
    {
        get
        {
            var initialized = Volatile.Read(ref _initializedAt);
            var entered = Volatile.Read(ref _enteredAt) is var e and not 0 ? Math.Min(e, initialized) : _spawnedAt;
            return new LaunchTimes(
                Stopwatch.GetElapsedTime(_startedAt, _spawnedAt), Stopwatch.GetElapsedTime(_spawnedAt, entered), Stopwatch.GetElapsedTime(entered, initialized));
        }
    }

    /// <summary>Completes when the process has exited, for any reason.</summary>
    public Task<InstanceExit> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public bool IsBusy => Volatile.Read(ref _pending) is not null;

    /// <summary>
    /// Starts the process and waits until it prints PIPE_INIT_COMPLETE. Throws <see cref="InstanceStartException"/>
    /// when it cannot be spawned, exits first, or does not finish loading within the launch's load timeout.
    /// </summary>
    public static async Task<InstanceProcess> StartAsync(InstanceLaunch launch, InstanceLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var startedAt = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(launch.RuntimeDirectory);
        var fifoPath = Fifo.PathFor(launch.RuntimeDirectory, launch.Id);
        File.Delete(fifoPath);
        Fifo.Create(fifoPath);
        var fifo = Fifo.OpenReader(fifoPath);
        var writer = Fifo.OpenWriter(fifoPath);

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

        Process process;
        try
        {
            // A sandbox dies with the thread that forks it (see SpawnThread), so it is forked by one that lives on.
            process = (launch.Sandbox is null ? Process.Start(start) : SpawnThread.Run(() => Process.Start(start)))
                ?? throw new InstanceStartException($"could not start {launch.Entrypoint[0]}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await fifo.DisposeAsync().ConfigureAwait(false);
            await writer.DisposeAsync().ConfigureAwait(false);
            File.Delete(fifoPath);
            // The exception's own message names the worker's absolute paths; the caller gets only the reason.
            throw new InstanceStartException($"cannot run entrypoint {launch.Entrypoint[0]} in the build's directory: {new System.ComponentModel.Win32Exception(e.NativeErrorCode).Message}");
        }

        var spawnedAt = Stopwatch.GetTimestamp();
        launch.Spawned?.Invoke(process.Id);
        var instance = new InstanceProcess(launch, log, time, process, fifoPath, fifo, writer) { _startedAt = startedAt, _spawnedAt = spawnedAt };
        instance.Begin();
        try
        {
            await instance.WaitForInitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return instance;
    }

    /// <summary>
    /// Sends one request line (newline included, see <see cref="PipeProtocol.EncodeRequest"/>) and waits for its
    /// response. On timeout the process is killed, since it can no longer be trusted to answer in order.
    /// </summary>
    public Task<InstanceReply> CallAsync(ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false)
    {
        var done = new TaskCompletionSource<InstanceReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        Call(request, timeout, captureStdout, reply => done.TrySetResult(reply));
        return done.Task;
    }

    /// <summary>
    /// <see cref="CallAsync"/> for the hot path: <paramref name="done"/> runs on the thread that sees the call end (the
    /// response reader, the timeout or the exit watcher), so it must be short and must not block.
    /// </summary>
    public void Call(ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout, Action<InstanceReply> done)
    {
        var call = new PendingCall(done, captureStdout ? new StdoutCapture(_time) : null);
        if (Interlocked.CompareExchange(ref _pending, call, null) is not null)
        {
            throw new InvalidOperationException($"instance {Id} is already serving a call; an instance serves one call at a time");
        }

        if (HasExited || _stopping)
        {
            Complete(call, new InstanceReply(CallOutcome.Crashed, null, ExitMessage("before the call")));
            return;
        }

        Volatile.Write(ref _capture, call.Capture);
        call.Timeout = timeout;
        call.Timer = _time.CreateTimer(static state => ((InstanceProcess)state!).OnCallTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        if (request.Length <= SmallRequest)
        {
            // The instance has read every earlier line (it answered them), so a small line fits the pipe's buffer at once.
            try
            {
                _stdin.Write(request.Span);
                _stdin.Flush();
            }
            catch (IOException)
            {
                // The process closed its stdin or died; the exit path completes the call with the reason.
            }
        }
        else
        {
            _ = WriteLargeAsync(request);
        }
    }

    private async Task WriteLargeAsync(ReadOnlyMemory<byte> request)
    {
        try
        {
            await _stdin.WriteAsync(request).ConfigureAwait(false);
            await _stdin.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // As above: the exit path reports it.
        }
    }

    /// <summary>
    /// Stops the process: closes its stdin so a well-behaved loop ends, then kills the tree after <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _stopping = true;
        try
        {
            _stdin.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        using var cts = new CancellationTokenSource(grace, _time);
        try
        {
            await _exited.Task.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill("stopped after the stop grace period");
            await _exited.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process tree at once; the call in flight, if any, gets <paramref name="reason"/>.</summary>
    public void Kill(string reason)
    {
        _killReason ??= reason;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!HasExited)
        {
            _stopping = true;
            Kill("the instance was disposed");
        }

        await _exited.Task.ConfigureAwait(false);
        if (_reader.IsAlive)
        {
            await Task.Run(() => _reader.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        await _fifo.DisposeAsync().ConfigureAwait(false);
        await _fifoWriter.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            File.Delete(_fifoPath);
        }
        catch (IOException)
        {
            // Left for the runtime directory's clean-up.
        }
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
        program.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(program) ? Path.GetFullPath(Path.Combine(directory, program)) : program;

    private string ExitMessage(string when)
    {
        if (_killReason is { } reason)
        {
            return reason;
        }

        var exit = _exited.Task.IsCompleted ? _exited.Task.Result.Description : "the instance is stopping";
        var tail = _log.Tail();
        return tail.Length == 0 ? $"{exit} {when}" : $"{exit} {when}; last output: {tail}";
    }

    private sealed class PendingCall(Action<InstanceReply> done, StdoutCapture? capture)
    {
        public StdoutCapture? Capture { get; } = capture;

        public TimeSpan Timeout { get; set; }

        public ITimer? Timer { get; set; }

        public void Complete(InstanceReply reply)
        {
            Timer?.Dispose();
            done(reply);
        }
    }

    private void Complete(PendingCall call, InstanceReply reply)
    {
        if (Interlocked.CompareExchange(ref _pending, null, call) != call)
        {
            return;
        }

        if (call.Capture is not { } capture)
        {
            call.Complete(reply);
            return;
        }

        // The next call cannot arrive before this reply is sent, so the capture stays attached while it drains.
        _ = Task.Run(async () =>
        {
            await capture.DrainAsync().ConfigureAwait(false);
            Interlocked.CompareExchange(ref _capture, null, capture);
            call.Complete(reply with { Stdout = capture.Text() });
        });
    }
}
