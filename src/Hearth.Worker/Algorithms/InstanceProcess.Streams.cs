using System.Diagnostics;
using System.Globalization;
using Hearth.Core.Algorithms;
using Hearth.Worker.Sandboxing;

namespace Hearth.Worker.Algorithms;

/// <summary>The instance's streams: the load wait, the log pumps, the response reader and the exit watcher.</summary>
internal sealed partial class InstanceProcess
{
    private void Begin()
    {
        _reader.Start();
        var pumps = Task.WhenAll(PumpStdoutAsync(), PumpStderrAsync());
        _ = WatchExitAsync(pumps);
    }

    private async Task WaitForInitAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_launch.LoadTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var first = await Task.WhenAny(_initialized.Task, _exited.Task).WaitAsync(linked.Token).ConfigureAwait(false);
            if (first == _initialized.Task)
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

    /// <summary>Stdout: load output until PIPE_INIT_COMPLETE, then the instance's log.</summary>
    private async Task PumpStdoutAsync()
    {
        var reader = _process.StandardOutput;
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
            _log.Add(LogStream.Stdout, line);
        }
    }

    /// <summary>Stderr: the instance's log, except the sandbox's own line saying it is about to run the program.</summary>
    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (_launch.Sandbox is not null && Volatile.Read(ref _enteredAt) == 0 && line == SandboxCommand.EnteredMarker)
            {
                Interlocked.CompareExchange(ref _enteredAt, Stopwatch.GetTimestamp(), 0);
                continue;
            }

            _log.Add(LogStream.Stderr, line);
        }
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
        try
        {
            _fifoWriter.Write(_sentinel);
        }
        catch (IOException)
        {
            // The pipe is gone; the reader ends with it.
        }
    }

    private void OnCallTimeout()
    {
        if (Volatile.Read(ref _pending) is not { } call)
        {
            return;
        }

        var seconds = call.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        Complete(call, new InstanceReply(CallOutcome.TimedOut, null,
            $"the call timed out after {seconds} s with no response; the instance was stopped"));
        Kill($"a call timed out after {seconds} s");
    }

    /// <summary>
    /// The response reader: a dedicated thread blocked in read() on the FIFO, because a thread-pool hop per response
    /// costs more than the round trip itself. Each complete line answers the call in flight.
    /// </summary>
    private void ReadResponses()
    {
        var buffer = new byte[64 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }

                var scanFrom = end;
                var read = _fifo.Read(buffer, end, buffer.Length - end);
                if (read <= 0)
                {
                    return;
                }

                end += read;
                while (true)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', scanFrom, end - scanFrom);
                    if (newline < 0)
                    {
                        break;
                    }

                    var line = buffer.AsSpan(start, newline - start);
                    start = newline + 1;
                    scanFrom = start;
                    if (OnLine(line))
                    {
                        return;
                    }
                }

                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            FailPending("the output pipe failed: " + e.Message);
        }
    }

    /// <summary>Handles one line; true when it was the sentinel and reading is over.</summary>
    private bool OnLine(ReadOnlySpan<byte> line)
    {
        var sentinel = _sentinel.AsSpan(0, _sentinel.Length - 1);
        if (line.EndsWith(sentinel))
        {
            if (line.Length > sentinel.Length)
            {
                _log.Add(LogStream.Worker, "the process left an incomplete response line on its output pipe");
            }

            FailPending(null);
            return true;
        }

        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            return false;
        }

        if (Volatile.Read(ref _pending) is { } call)
        {
            Complete(call, new InstanceReply(CallOutcome.Replied, line.ToArray(), null));
        }
        else
        {
            _log.Add(LogStream.Worker, "a line arrived on the output pipe with no call in flight; it was dropped");
        }

        return false;
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
