using System.Diagnostics;
using System.Globalization;
using Hearth.Core.Algorithms;
using Hearth.Worker.Spawning;

namespace Hearth.Worker.Algorithms;

/// <summary>
/// One running instance, driven with the pipe protocol (SPEC section 4): the entry command starts in the build
/// directory with <c>ALGOOUT</c> naming a FIFO; once it prints <c>PIPE_INIT_COMPLETE</c> it takes one JSON request
/// per line on stdin and answers with one JSON line on the FIFO, whether it holds the FIFO open or reopens it for
/// every response. One call at a time. A crash (exit) or hang (call timeout) gives the call in flight a clear error.
/// </summary>
internal sealed class InstanceProcess : IAsyncDisposable
{
    private readonly InstanceLaunch _launch;
    private readonly InstanceLog _log;
    private readonly TimeProvider _time;
    private readonly Process _process;
    private readonly ResponsePipe _pipe;
    private readonly InstanceOutput _output;
    private readonly Stream _stdin;
    private readonly TaskCompletionSource<InstanceExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private const int SmallRequest = 16 * 1024;
    private static readonly TimeSpan MinimumRearm = TimeSpan.FromMilliseconds(1);

    private readonly Lock _timerGate = new();
    private PendingCall? _pending;
    private ITimer? _callTimer;
    private volatile bool _stopping;
    private volatile string? _killReason;
    private int _disposed;
    private long _startedAt;
    private long _spawnedAt;

    private InstanceProcess(InstanceLaunch launch, InstanceLog log, TimeProvider time, Process process, ResponsePipe pipe)
    {
        _launch = launch;
        _log = log;
        _time = time;
        _process = process;
        _pipe = pipe;
        _output = new InstanceOutput(process, log, launch.Sandbox is not null);
        _stdin = process.StandardInput.BaseStream;
    }

    public string Id => _launch.Id;

    public int ProcessId => _process.Id;

    public InstanceLog Log => _log;

    /// <summary>The start's steps, once loaded. A sandbox whose announcement was not read yet counts as entered at once.</summary>
    public LaunchTimes Times
    {
        get
        {
            var initialized = _output.InitializedAt;
            var entered = _output.EnteredAt is var e and not 0 ? Math.Min(e, initialized) : _spawnedAt;
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
        var pipe = ResponsePipe.Create(launch.RuntimeDirectory, launch.Id);
        var fifoPath = pipe.Path;

        var start = InstanceCommand.StartInfo(launch, fifoPath);

        Process process;
        try
        {
            // A sandbox dies with the thread that forks it (see SpawnThread), so it is forked by one that lives on.
            process = (launch.Sandbox is null ? Process.Start(start) : SpawnThread.Run(() => Process.Start(start)))
                ?? throw new InstanceStartException($"could not start {launch.Entrypoint[0]}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            // The exception's own message names the worker's absolute paths; the caller gets only the reason.
            throw new InstanceStartException($"cannot run entrypoint {launch.Entrypoint[0]} in the build's directory: {new System.ComponentModel.Win32Exception(e.NativeErrorCode).Message}");
        }

        var spawnedAt = Stopwatch.GetTimestamp();
        launch.Spawned?.Invoke(process.Id);
        var instance = new InstanceProcess(launch, log, time, process, pipe) { _startedAt = startedAt, _spawnedAt = spawnedAt };
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
        var call = new PendingCall(done, captureStdout ? new StdoutCapture(_time) : null, timeout, _time.GetTimestamp());
        if (Interlocked.CompareExchange(ref _pending, call, null) is not null)
        {
            throw new InvalidOperationException($"instance {Id} is already serving a call; an instance serves one call at a time");
        }

        if (HasExited || _stopping)
        {
            Complete(call, new InstanceReply(CallOutcome.Crashed, null, ExitMessage("before the call")));
            return;
        }

        _output.Attach(call.Capture);
        lock (_timerGate)
        {
            ArmCallTimer(timeout);
        }
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
        lock (_timerGate)
        {
            _callTimer?.Dispose();
        }

        await _pipe.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
    }

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

    private sealed class PendingCall(Action<InstanceReply> done, StdoutCapture? capture, TimeSpan timeout, long startedAt)
    {
        public StdoutCapture? Capture { get; } = capture;

        public TimeSpan Timeout { get; } = timeout;

        public long StartedAt { get; } = startedAt;

        public void Complete(InstanceReply reply) => done(reply);
    }

    /// <summary>
    /// One timer per instance, moved for every call rather than made and disposed per call (each timer is a
    /// finalizable object in the runtime's timer queue). It is not disarmed when a call ends: a firing then finds no
    /// call, or a later call whose own deadline it checks. Called under <see cref="_timerGate"/>, so the last arming
    /// is always for the call in flight.
    /// </summary>
    private void ArmCallTimer(TimeSpan due)
    {
        _callTimer ??= _time.CreateTimer(static state => ((InstanceProcess)state!).OnCallTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _callTimer.Change(due, Timeout.InfiniteTimeSpan);
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
            _output.Detach(capture);
            call.Complete(reply with { Stdout = capture.Text() });
        });
    }

    private void Begin()
    {
        _pipe.Start(_log, OnResponse, FailPending);
        var pumps = _output.PumpAsync();
        _ = WatchExitAsync(pumps);
    }

    private async Task WaitForInitAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_launch.LoadTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var first = await Task.WhenAny(_output.Initialized, _exited.Task).WaitAsync(linked.Token).ConfigureAwait(false);
            if (first == _output.Initialized)
            {
                return;
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Load timeout or cancellation, told apart below.
        }

        if (_exited.Task.IsCompleted)
        {
            throw new InstanceStartException(ExitMessage($"during load, before printing {PipeProtocol.InitComplete}"));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            Kill("the start was cancelled");
            throw new OperationCanceledException(cancellationToken);
        }

        Kill("load timeout");
        await _exited.Task.ConfigureAwait(false);
        var tail = _log.Tail();
        throw new InstanceStartException(
            $"did not print {PipeProtocol.InitComplete} within the load timeout of {_launch.LoadTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; it was killed"
            + (tail.Length == 0 ? "" : $"; last output: {tail}"));
    }

    private async Task WatchExitAsync(Task pumps)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        if (_launch.Sandbox?.ExceededReservation() is { } exceeded)
        {
            _killReason ??= exceeded;
            _log.Add(LogStream.Worker, exceeded);
        }

        try
        {
            // Its last words are in the log before its exit is told; a child it left behind may hold the pipes, so not forever.
            await pumps.WaitAsync(TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Whatever arrived by now is what the messages quote.
        }

        var code = _process.ExitCode;
        _exited.TrySetResult(new InstanceExit(code, _killReason is not null, ExitDescription.For(code, _killReason, _launch.Sandbox is not null)));

        // Everything the process wrote to the pipe before exiting is ahead of this line, so when the reader meets it
        // no response can still arrive.
        _pipe.Close();
    }

    private void OnCallTimeout()
    {
        PendingCall? call;
        lock (_timerGate)
        {
            call = Volatile.Read(ref _pending);
            if (call is null)
            {
                return;
            }

            var left = call.Timeout - _time.GetElapsedTime(call.StartedAt);
            if (left > TimeSpan.Zero)
            {
                // Set for an earlier call, or a hair early by the timer's coarser clock: this call's deadline is still ahead.
                ArmCallTimer(left < MinimumRearm ? MinimumRearm : left);
                return;
            }
        }

        var seconds = call.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        Complete(call, new InstanceReply(CallOutcome.TimedOut, null,
            $"the call timed out after {seconds} s with no response; the instance was stopped"));
        Kill($"a call timed out after {seconds} s");
    }

    /// <summary>A response line, on the pipe's reader thread: it answers the call in flight.</summary>
    private void OnResponse(byte[] line)
    {
        if (Volatile.Read(ref _pending) is { } call)
        {
            Complete(call, new InstanceReply(CallOutcome.Replied, line, null));
        }
        else
        {
            _log.Add(LogStream.Worker, "a line arrived on the output pipe with no call in flight; it was dropped");
        }
    }

    private void FailPending(string? why)
    {
        if (Volatile.Read(ref _pending) is not { } call)
        {
            return;
        }

        var outcome = _stopping && _killReason is null ? CallOutcome.Stopped : CallOutcome.Crashed;
        var message = why ?? (outcome == CallOutcome.Stopped ? "the instance was stopped during the call" : ExitMessage("during the call"));
        Complete(call, new InstanceReply(outcome, null, message));
    }
}
