using System.Collections.Concurrent;
using System.Text;
using Hearth.Protocol.Workers;
using Hearth.Worker;

namespace Hearth.Supervisor.Tests;

/// <summary>One subjob attempt's process on a worker, started off the stream, with real child processes.</summary>
public sealed class SubjobProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _run = Directory.CreateTempSubdirectory("hearth-subjob-");
    private readonly ConcurrentQueue<(OutputStream Stream, string Text)> _output = new();

    public void Dispose() => _run.Delete(recursive: true);

    private SubjobProcess Subjob(params string[] argv)
    {
        var assign = new Assign { AssignmentId = "7.0.1", JobId = 7, SubjobIndex = 0, Allocations = { ["host.processors"] = 2 } };
        assign.Argv.AddRange(argv);
        var environment = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };
        return new SubjobProcess(assign, _run.FullName, environment, (stream, data) => _output.Enqueue((stream, Encoding.UTF8.GetString(data))), TimeProvider.System);
    }

    private string Stdout => string.Concat(_output.Where(o => o.Stream == OutputStream.Stdout).Select(o => o.Text));

    [Fact]
    public async Task TheProcessGetsItsSlotsAndAllocationFileAndItsOutputAndExitAreReported()
    {
        using var subjob = Subjob("sh", "-c", "echo \"$QB_JOBID.$QB_SUBID $QB_JOBSLOTS\"; cat \"$HEARTH_ALLOCATION_FILE\"; echo oops >&2; exit 3");

        Assert.Null(subjob.Start("w1"));
        var outcome = await subjob.RunToEndAsync().WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(new ProcessOutcome(3, null), outcome);
        Assert.Equal("7.0 2\nQB_JOBSLOTS=2\nHEARTH_ALLOCATION=host.processors=2\nHEARTH_ALLOCATION_GENERATION=1\n", Stdout);
        Assert.Equal("oops\n", string.Concat(_output.Where(o => o.Stream == OutputStream.Stderr).Select(o => o.Text)));
        Assert.Empty(_run.GetFiles());
    }

    [Fact]
    public void AKillAskedForBeforeTheStartMeansTheProcessNeverStarts()
    {
        using var subjob = Subjob("sh", "-c", "echo started");

        var kill = subjob.KillAsync(TimeSpan.FromSeconds(1));
        var outcome = subjob.Start("w1");

        Assert.True(kill.IsCompleted);
        Assert.Equal(new ProcessOutcome(-1, "killed before it started"), outcome);
        Assert.Equal(0, subjob.Pid);
        Assert.Empty(_run.GetFiles());
    }

    [Fact]
    public async Task AGrowthBeforeTheStartIsWhatTheProcessStartsWith()
    {
        using var subjob = Subjob("sh", "-c", "echo \"$QB_JOBSLOTS\"; cat \"$HEARTH_ALLOCATION_FILE\"");

        subjob.Grow(new Dictionary<string, int> { ["host.processors"] = 4 });
        Assert.Null(subjob.Start("w1"));
        await subjob.RunToEndAsync().WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal("4\nQB_JOBSLOTS=4\nHEARTH_ALLOCATION=host.processors=4\nHEARTH_ALLOCATION_GENERATION=2\n", Stdout);
    }

    [Fact]
    public async Task AKillOfARunningProcessStopsItWithSigterm()
    {
        using var subjob = Subjob("sleep", "300");
        Assert.Null(subjob.Start("w1"));
        var running = subjob.RunToEndAsync();

        await subjob.KillAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound, TestContext.Current.CancellationToken);
        var outcome = await running.WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(new ProcessOutcome(128 + 15, null), outcome);
    }

    [Fact]
    public void AMissingProgramIsReportedAsAFailedStart()
    {
        using var subjob = Subjob("no-such-program-hearth");

        var outcome = subjob.Start("w1");

        Assert.Equal(new ProcessOutcome(-1, "cannot start no-such-program-hearth on worker w1: No such file or directory"), outcome);
        Assert.Empty(_run.GetFiles());
    }
}
