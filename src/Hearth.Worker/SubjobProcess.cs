using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Hearth.Protocol.Workers;

namespace Hearth.Worker;

/// <summary>What happened to a subjob's process.</summary>
internal sealed record ProcessOutcome(int ExitCode, string? Error);

/// <summary>
/// One subjob attempt as a real process: started through <c>setsid</c> so it leads its own process group,
/// with <c>QB_JOBSLOTS</c>, <c>QB_JOBID</c>, <c>QB_SUBID</c> and <c>HEARTH_ALLOCATION_FILE</c> set, stdin closed,
/// stdout and stderr streamed as chunks. When the leader exits, whatever it left behind in its group is killed.
/// </summary>
internal sealed class SubjobProcess : IDisposable
{
    private const int ChunkSize = 32 * 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Assign _assign;
    private readonly string _allocationPath;
    private readonly Action<OutputStream, byte[]> _output;
    private readonly TimeProvider _time;
    private Process? _process;
    private int _generation = 1;

    public SubjobProcess(Assign assign, string runDirectory, Action<OutputStream, byte[]> output, TimeProvider time)
    {
        _assign = assign;
        _output = output;
        _time = time;
        _allocationPath = Path.Combine(runDirectory, $"allocation-{assign.AssignmentId}.env");
    }

    public string AssignmentId => _assign.AssignmentId;

    public int Pid { get; private set; }

    /// <summary>Starts the process; returns the outcome at once if it could not start.</summary>
    public ProcessOutcome? Start(string workerName)
    {
        var directory = string.IsNullOrEmpty(_assign.WorkingDirectory) ? Environment.CurrentDirectory : _assign.WorkingDirectory;
        if (!Directory.Exists(directory))
        {
            return new ProcessOutcome(-1, $"working directory {directory} does not exist on worker {workerName}");
        }

        AllocationFile.Write(_allocationPath, _assign.Allocations, _generation);
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("--");
        foreach (var arg in _assign.Argv)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["QB_JOBSLOTS"] = AllocationFile.Slots(_assign.Allocations);
        start.Environment["QB_JOBID"] = _assign.JobId.ToString(CultureInfo.InvariantCulture);
        start.Environment["QB_SUBID"] = _assign.SubjobIndex.ToString(CultureInfo.InvariantCulture);
        start.Environment["HEARTH_ALLOCATION"] = AllocationFile.Format(_assign.Allocations);
        start.Environment["HEARTH_ALLOCATION_FILE"] = _allocationPath;
        start.Environment["HEARTH_WORKER"] = workerName;
        try
        {
            _process = Process.Start(start)!;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            TryDelete(_allocationPath);
            return new ProcessOutcome(-1, $"cannot start {_assign.Argv[0]} on worker {workerName}: {e.Message}");
        }

        Pid = _process.Id;
        _process.StandardInput.Close();
        return null;
    }

    /// <summary>Waits for the process to end and its output to drain, then reports how it ended.</summary>
    public async Task<ProcessOutcome> RunToEndAsync()
    {
        var process = _process!;
        var stdout = PumpAsync(process.StandardOutput.BaseStream, OutputStream.Stdout);
        var stderr = PumpAsync(process.StandardError.BaseStream, OutputStream.Stderr);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var exitCode = process.ExitCode;

        // Anything the leader left running in its group dies with it, so its resources are really free.
        ProcessGroup.Signal(Pid, ProcessGroup.SigKill);
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(DrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that left its group still holds the pipes; its output is not ours to wait for.
        }

        TryDelete(_allocationPath);
        return new ProcessOutcome(exitCode, null);
    }

    /// <summary>New totals for a growing N-M subjob: rewritten atomically into the allocation file.</summary>
    public void Grow(IReadOnlyDictionary<string, int> allocations)
    {
        if (_process is null)
        {
            return;
        }

        _generation++;
        try
        {
            AllocationFile.Write(_allocationPath, allocations, _generation);
        }
        catch (IOException)
        {
            // The process is exiting and its file is gone; there is nobody left to tell.
        }
    }

    /// <summary>SIGTERM to the whole group, then SIGKILL after <paramref name="grace"/> if anything is left.</summary>
    public async Task KillAsync(TimeSpan grace)
    {
        if (_process is not { } process || Pid == 0)
        {
            return;
        }

        ProcessGroup.Signal(Pid, ProcessGroup.SigTerm);
        try
        {
            await process.WaitForExitAsync().WaitAsync(grace, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // It ignored SIGTERM.
        }

        ProcessGroup.Signal(Pid, ProcessGroup.SigKill);
    }

    private async Task PumpAsync(Stream stream, OutputStream which)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                _output(which, buffer[..read]);
            }
        }
        catch (IOException)
        {
            // The pipe broke: the process is gone.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while stopping.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the run directory is temporary.
        }
    }

    public void Dispose() => _process?.Dispose();
}
