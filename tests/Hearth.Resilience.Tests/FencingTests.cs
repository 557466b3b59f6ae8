using System.Globalization;
using Hearth.Protocol.Rest;
using Hearth.Resilience.Tests.Harness;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// A worker cut off from its supervisor (its link black-holed, not closed) while a subjob runs there. The
/// supervisor requeues the subjob to another worker after its heartbeat timeout and margin. A fencing worker has
/// ended its copy by then, so the two copies never overlap; one started with <c>--on-disconnect keep</c> has not.
/// Each copy logs its start and its end, and on starting checks whether an earlier copy's process still lives.
/// </summary>
public sealed class FencingTests : IAsyncLifetime
{
    private TestCluster _farm = null!;
    private CuttableProxy _proxy = null!;

    private string Log => Path.Combine(_farm.Marks, "copies");

    public async ValueTask InitializeAsync()
    {
        _farm = await TestCluster.StartAsync(new ClusterOptions { Verbose = true, ClientTimeout = TimeSpan.FromSeconds(30), HeartbeatTimeout = "3s" });
        _proxy = CuttableProxy.Start(_farm.Port, _farm.WorkerPort);
        await File.WriteAllTextAsync(Path.Combine(_farm.Root, "copy.sh"), """
            #!/bin/sh
            # Logs "start PID NS", "overlap PID" for every earlier copy still alive, and "end PID NS" on SIGTERM.
            log="$1"
            for pid in $(awk '$1 == "start" { print $2 }' "$log" 2>/dev/null); do
              if kill -0 "$pid" 2>/dev/null; then echo "overlap $pid" >> "$log"; fi
            done
            echo "start $$ $(date +%s%N)" >> "$log"
            trap 'echo "end $$ $(date +%s%N)" >> "$log"; exit 143' TERM
            while [ ! -e "$log.release" ]; do sleep 0.05; done
            echo "end $$ $(date +%s%N)" >> "$log"
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await File.WriteAllTextAsync(Log + ".release", "");
        await _proxy.DisposeAsync();
        await _farm.DisposeAsync();
        WorkerDirectories.DeleteFor(CuttableProxy.Address, _farm.Port);
    }

    [Fact]
    public async Task ACutOffWorkerEndsItsCopyBeforeTheSupervisorStartsTheSecond()
    {
        var (first, second, lines) = await CutOffWhileRunningAsync([]);

        Assert.DoesNotContain(lines, l => l.StartsWith("overlap", StringComparison.Ordinal));
        var firstEnd = Stamp(lines, "end", first);
        var secondStart = Stamp(lines, "start", second);
        Assert.True(firstEnd < secondStart, $"the first copy ended at {firstEnd}, after the second started at {secondStart}:\n{string.Join('\n', lines)}");
        Assert.False(ProcessAlive(first), $"the first copy (pid {first}) still runs");
        TestContext.Current.SendDiagnosticMessage($"first copy ended {(secondStart - firstEnd) / 1_000_000} ms before the second started");

        // Back in touch, the worker re-registers without the fenced attempt, and nothing is booked twice.
        _proxy.Heal();
        await Poll.UntilAsync("the cut-off worker to return", async () => await _farm.Api.WorkerStateAsync("cut") == "up",
            state: () => _farm.Worker("cut").Output);
        Assert.Contains("stopping 1 subjob(s)", _farm.Worker("cut").Output, StringComparison.Ordinal);
        await LedgerCheck.AssertConsistentAsync(_farm.Api);
    }

    [Fact]
    public async Task AWorkerThatKeepsItsWorkOnDisconnectLetsTheTwoCopiesOverlap()
    {
        var (first, _, lines) = await CutOffWhileRunningAsync(["--on-disconnect", "keep"]);

        Assert.Contains($"overlap {first}", lines);
        Assert.True(ProcessAlive(first), $"the first copy (pid {first}) was stopped although the worker keeps its work");
    }

    /// <summary>Runs one subjob on a worker behind the proxy, cuts the link, and waits for the second copy on another worker.</summary>
    private async Task<(int First, int Second, string[] Lines)> CutOffWhileRunningAsync(string[] extra)
    {
        await _farm.StartWorkerProcessAsync("cut",
        [
            "worker", "--supervisor", CuttableProxy.Url(_farm.Port).ToString(), "--name", "cut", "--resources", "host.processors=1",
            "--key", _farm.WorkerKey, "--verbose", .. extra,
        ]);
        var job = await _farm.Api.SubmitAsync(new SubmitJobRequest(["sh", Path.Combine(_farm.Root, "copy.sh"), Log], "fenced"));
        var running = (await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1)).Subjobs[0];
        Assert.Equal("cut", running.Host);
        await _farm.StartWorkerAsync("spare", "host.processors=1");

        _proxy.Cut();
        var moved = await _farm.WaitForSubjobsAsync(job, JobStates.Running, 1, attempt: 2);
        Assert.Equal("spare", moved.Subjobs[0].Host);
        string[] lines = [];
        await Poll.UntilAsync("the second copy to log its start", async () =>
        {
            lines = await File.ReadAllLinesAsync(Log);
            return lines.Count(l => l.StartsWith("start ", StringComparison.Ordinal)) == 2;
        }, state: () => string.Join('\n', lines));
        var starts = lines.Where(l => l.StartsWith("start ", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal((running.Pid, moved.Subjobs[0].Pid), ((long)starts[0], (long)starts[1]));
        return (starts[0], starts[1], lines);
    }

    private static long Stamp(string[] lines, string what, int pid) =>
        long.Parse(lines.Single(l => l.StartsWith($"{what} {pid} ", StringComparison.Ordinal)).Split(' ')[2], CultureInfo.InvariantCulture);

    private static bool ProcessAlive(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
