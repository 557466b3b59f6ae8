using System.Diagnostics;
using System.Text;

namespace Hearth.Testing;

/// <summary>
/// One long-running CLI process (<c>dotnet hearth.dll ...</c>), optionally under a wrapper such as
/// <c>ip netns exec NS</c>. It keeps the tail of its output for failure messages and for tests that wait on a line.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    /// <summary>How long a SIGTERMed process gets to stop on its own before it and its children are killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _lock = new();
    private int _disposed;

    private ClusterProcess(string label, Process process)
    {
        Label = label;
        _process = process;
    }

    public string Label { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ClusterProcess Start(string label, IReadOnlyList<string> args, IReadOnlyList<string>? wrapper = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        wrapper ??= [];
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in wrapper.Skip(1).Concat(wrapper.Count > 0 ? ["dotnet"] : []).Append(HearthCli.Dll).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("HEARTH_URL");
        start.Environment.Remove("HEARTH_API_KEY");
        start.Environment.Remove("HEARTH_WORKER_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{label} did not start");
        var launched = new ClusterProcess(label, process);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => launched.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => launched.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return launched;
    }

    /// <summary>The last lines it printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            var text = new StringBuilder();
            foreach (var line in Lines)
            {
                text.Append("  ").AppendLine(line);
            }

            return text.ToString();
        }
    }

    /// <summary>The last lines it printed (stdout and stderr, in arrival order).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _output];
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>SIGKILL: no chance to stop anything, close any connection or flush anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            ProcessSignals.KillNow(_process.Id);
        }

        await WaitForExitAsync(StopGrace);
    }

    /// <summary>SIGTERM, then waits for a clean exit; returns how long it took, or fails after <paramref name="bound"/>.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            ProcessSignals.Terminate(_process.Id);
        }

        await WaitForExitAsync(bound);
        return clock.Elapsed;
    }

    public async Task WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Label} did not exit within {bound.TotalSeconds:0} s; its output:\n{Output}");
        }
    }

    /// <summary>The one stop of a test process: SIGTERM, and if it has not exited within the grace, SIGKILL to it and its children.</summary>
    public async Task StopAsync()
    {
        try
        {
            await TerminateAsync(StopGrace);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A cluster may hold a process twice (a killed supervisor is also among the exited ones).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
