using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>
/// One long-running CLI process (<c>dotnet hearth.dll ...</c>), optionally under a wrapper such as
/// <c>ip netns exec NS</c>. It keeps the tail of its output for failure messages.
/// </summary>
internal sealed partial class HearthProcess : IAsyncDisposable
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "hearth.dll");
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _lock = new();
    private int _disposed;

    private HearthProcess(string label, Process process)
    {
        Label = label;
        _process = process;
    }

    public string Label { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static HearthProcess Start(string label, IReadOnlyList<string> wrapper, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in wrapper.Skip(1).Concat(wrapper.Count > 0 ? ["dotnet"] : []).Append(Dll).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("HEARTH_URL");
        start.Environment.Remove("HEARTH_API_KEY");
        start.Environment.Remove("HEARTH_WORKER_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{label} did not start");
        var launched = new HearthProcess(label, process);
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
            lock (_lock)
            {
                var text = new StringBuilder();
                foreach (var line in _output)
                {
                    text.Append("  ").AppendLine(line);
                }

                return text.ToString();
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
            _ = Signal(_process.Id, 9);
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>SIGTERM, then waits for a clean exit; returns how long it took.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            _ = Signal(_process.Id, 15);
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

    public async ValueTask DisposeAsync()
    {
        // A farm may hold a process twice (its killed supervisor, not replaced, is also among the exited ones).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                await TerminateAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Signal(int pid, int signal);
}
