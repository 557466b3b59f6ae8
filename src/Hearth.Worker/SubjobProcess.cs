using System.Globalization;
using Hearth.Core.Frames;
using Hearth.Protocol.Workers;
using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;

namespace Hearth.Worker;

/// <summary>
/// One subjob attempt as a real process: started straight into a new session (<see cref="SessionProcess"/>) so
/// it leads its own process group, with <c>QB_JOBSLOTS</c>, <c>QB_ALLOCATIONS</c>, <c>QB_JOBID</c>, <c>QB_SUBID</c> and <c>HEARTH_ALLOCATION_FILE</c> set, stdin closed,
/// stdout and stderr streamed as chunks. When the leader exits, whatever it left behind in its group is killed.
/// It is started off the worker's stream, so a kill or a growth can arrive while it is starting: a kill asked
/// for before the spawn means it never starts, one asked for during it is carried out as soon as it returns,
/// and a growth is written into the allocation file the process is started with, or into the file it has.
/// </summary>
internal sealed class SubjobProcess : IDisposable
{
    private const int ChunkSize = 32 * 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Assign _assign;

    /// <summary>The command as run: an agenda item's has its frame tokens replaced.</summary>
    private readonly IReadOnlyList<string> _argv;

    /// <summary>An agenda item's <c>QB_FRAME_*</c> variables; empty for other work.</summary>
    private readonly IReadOnlyDictionary<string, string> _frames;
    private readonly string _allocationPath;
    private readonly Action<OutputStream, byte[]> _output;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, string> _inherited;
    private readonly SubjobSandbox? _sandbox;
    private readonly string? _unrunnable;
    private readonly Lock _gate = new();
    private SessionProcess? _process;
    private IReadOnlyDictionary<string, int> _allocations;
    private int _generation = 1;
    private bool _fileWritten;
    private TimeSpan? _killAsked;

    /// <param name="inherited">The base environment (<see cref="ChildEnvironment.Base"/>), which the process gets with the job's variables added.</param>
    /// <param name="unrunnable">Why this worker may not run it at all (an account's job on a worker that cannot isolate it); null when it may.</param>
    public SubjobProcess(
        Assign assign, string runDirectory, IReadOnlyDictionary<string, string> inherited, Action<OutputStream, byte[]> output, TimeProvider time,
        SubjobSandbox? sandbox = null, string? unrunnable = null)
    {
        _unrunnable = unrunnable;
        _sandbox = sandbox;
        _assign = assign;
        _allocations = assign.Allocations;
        if (assign.Item is { Frames.Count: > 0 } item)
        {
            _frames = FrameTokens.Values(new FrameChunk([.. item.Frames]), item.Padding);
            _argv = FrameTokens.Replace(assign.Argv, _frames);
        }
        else
        {
            _frames = new Dictionary<string, string>();
            _argv = assign.Argv;
        }

        _inherited = inherited;
        _output = output;
        _time = time;
        _allocationPath = sandbox?.AllocationPath(runDirectory, assign.AssignmentId) ?? Path.Combine(runDirectory, $"allocation-{assign.AssignmentId}.env");
    }

    public string AssignmentId => _assign.AssignmentId;

    public long JobId => _assign.JobId;

    public int SubjobIndex => _assign.SubjobIndex;

    public int Pid { get; private set; }

    /// <summary>Starts the process; returns the outcome at once if it could not start.</summary>
    public ProcessOutcome? Start(string workerName)
    {
        var directory = string.IsNullOrEmpty(_assign.WorkingDirectory) ? _sandbox?.DefaultDirectory ?? Environment.CurrentDirectory : _assign.WorkingDirectory;
        if ((_unrunnable ?? _sandbox?.Refuses(directory)) is { } refused)
        {
            return new ProcessOutcome(-1, $"{refused} on worker {workerName}");
        }

        if (!Directory.Exists(directory))
        {
            return new ProcessOutcome(-1, $"working directory {directory} does not exist on worker {workerName}");
        }

        IReadOnlyDictionary<string, int> allocations;
        lock (_gate)
        {
            if (_killAsked is not null)
            {
                return new ProcessOutcome(-1, "killed before it started");
            }

            allocations = _allocations;
            AllocationFile.Write(_allocationPath, allocations, _generation, replace: false);
            _fileWritten = true;
        }

        var environment = ChildEnvironment.For(
            _inherited,
            ("QB_JOBSLOTS", AllocationFile.Slots(allocations)),
            ("QB_ALLOCATIONS", AllocationFile.Format(allocations)),
            ("QB_JOBID", _assign.JobId.ToString(CultureInfo.InvariantCulture)),
            ("QB_SUBID", _assign.SubjobIndex.ToString(CultureInfo.InvariantCulture)),
            ("HEARTH_ALLOCATION", AllocationFile.Format(allocations)),
            ("HEARTH_ALLOCATION_FILE", _sandbox?.AllocationPathInside(_allocationPath) ?? _allocationPath),
            ("HEARTH_WORKER", workerName));
        foreach (var (name, value) in _frames)
        {
            environment[name] = value;
        }

        SessionProcess process;
        try
        {
            var (argv, outer) = _sandbox?.Wrap(_argv, environment, directory, _assign.AssignmentId, allocations) ?? (_argv, environment);
            // A sandbox dies with the thread that forks it (see SpawnThread), so it is forked by one that lives on.
            process = _sandbox is null ? SessionProcess.Start(argv, outer, directory) : SpawnThread.Run(() => SessionProcess.Start(argv, outer, directory));
        }
        catch (Exception e) when (e is SpawnException or PlatformNotSupportedException or SandboxException)
        {
            _sandbox?.Dispose();
            TryDelete(_allocationPath);
            return new ProcessOutcome(-1, $"cannot start {_argv[0]} on worker {workerName}: {e.Message}");
        }

        TimeSpan? killAsked;
        lock (_gate)
        {
            _process = process;
            Pid = process.Pid;
            killAsked = _killAsked;
        }

        if (killAsked is { } grace)
        {
            _ = KillAsync(grace);
        }

        return null;
    }

    /// <summary>Waits for the process to end and its output to drain, then reports how it ended.</summary>
    public async Task<ProcessOutcome> RunToEndAsync()
    {
        var process = _process!;
        var stdout = PumpAsync(process.StandardOutput, OutputStream.Stdout);
        var stderr = PumpAsync(process.StandardError, OutputStream.Stderr);
        // Anything the leader left running in its group was killed with it (see SessionProcess), so its resources are really free.
        var exit = await process.Exited.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(DrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that left its group still holds the pipes; its output is not ours to wait for.
        }

        TryDelete(_allocationPath);
        var exceeded = _sandbox?.ExceededReservation();
        _sandbox?.Dispose();
        return new ProcessOutcome(exit.ExitCode, exceeded ?? exit.Error);
    }

    /// <summary>New totals for a growing N-M subjob: rewritten atomically into the allocation file.</summary>
    public void Grow(IReadOnlyDictionary<string, int> allocations)
    {
        lock (_gate)
        {
            _allocations = allocations;
            _generation++;
            _sandbox?.Grow(allocations);
            if (!_fileWritten)
            {
                return;
            }

            try
            {
                AllocationFile.Write(_allocationPath, allocations, _generation, replace: true);
            }
            catch (IOException)
            {
                // The process is exiting and its file is gone; there is nobody left to tell.
            }
        }
    }

    /// <summary>SIGTERM to the whole group, then SIGKILL after <paramref name="grace"/> if the leader is still there.</summary>
    public async Task KillAsync(TimeSpan grace)
    {
        SessionProcess? process;
        lock (_gate)
        {
            _killAsked ??= grace;
            process = _process;
        }

        // Not started yet: Start sees the kill. Once the leader is reaped its group has been killed already, and
        // its pid may belong to someone else.
        if (process is null || process.Exited.IsCompleted)
        {
            return;
        }

        ProcessGroup.Signal(Pid, ProcessGroup.SigTerm);
        try
        {
            await process.Exited.WaitAsync(grace, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // It ignored SIGTERM.
            ProcessGroup.Signal(Pid, ProcessGroup.SigKill);
        }
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

    public void Dispose()
    {
        _process?.Dispose();
        _sandbox?.Dispose();
    }
}
