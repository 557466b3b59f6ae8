using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

public sealed class GrowthAndLossTests
{
    [Fact]
    public async Task RunningRangeJobSeesItsAllocationGrowThroughTheAllocationFile()
    {
        await using var cluster = await TestCluster.StartAsync(workers: [("g1", "host.processors=4")]);
        var blocker = await cluster.SubmitAsync("host.processors=3", "sleep", "300");
        await cluster.WaitForStateAsync(blocker, "running");
        const string Script = """
            first=$QB_JOBSLOTS
            for i in $(seq 1 600); do
              . "$HEARTH_ALLOCATION_FILE"
              [ "$QB_JOBSLOTS" = 4 ] && break
              sleep 0.1
            done
            echo "$first -> $QB_JOBSLOTS ($HEARTH_ALLOCATION, generation $HEARTH_ALLOCATION_GENERATION)"
            """;
        var growing = await cluster.SubmitAsync("host.processors=1-4", "sh", "-c", Script);
        await cluster.WaitForStateAsync(growing, "running");

        Assert.Equal(0, (await cluster.RunAsync("kill", $"{blocker}")).ExitCode);
        var job = await cluster.WaitForJobAsync(growing);

        Assert.Equal("complete", job.GetProperty("state").GetString());
        var logs = await cluster.RunAsync("logs", $"{growing}");
        Assert.StartsWith("1 -> 4 (host.processors=4, generation 2)", logs.Stdout, StringComparison.Ordinal);
        var subjob = job.GetProperty("subjobs")[0];
        Assert.Equal(4, subjob.GetProperty("allocations").GetProperty("host.processors").GetInt32());
        var history = subjob.GetProperty("history").EnumerateArray()
            .Select(h => (h.GetProperty("kind").GetString(), h.GetProperty("allocations").GetProperty("host.processors").GetInt32())).ToList();
        Assert.Equal([("dispatch", 1), ("grow", 4)], history);
    }

    [Fact]
    public async Task JobOfAWorkerKilledMidJobFinishesOnAnotherWorker()
    {
        await using var cluster = await TestCluster.StartAsync(heartbeatTimeout: "2s", workers: [("doomed", "host.processors=1")]);
        var id = await cluster.SubmitAsync("host.processors=1", "sh", "-c",
            // On the doomed worker the job outlives the test, so it cannot finish there before the worker is killed,
            // however slow the machine; on the survivor it ends at once.
            "if [ \"$HEARTH_WORKER\" = doomed ]; then sleep 120; fi; echo finished on $HEARTH_WORKER attempt of job $QB_JOBID");
        var pid = 0;
        await Poll.UntilAsync("the job to start on the doomed worker", async () =>
        {
            var subjob = (await cluster.JobAsync(id)).GetProperty("subjobs")[0];
            pid = subjob.GetProperty("pid").ValueKind == JsonValueKind.Number ? subjob.GetProperty("pid").GetInt32() : 0;
            return pid > 0;
        });

        try
        {
            await cluster.KillWorkerAsync("doomed");
            await cluster.StartWorkerAsync("survivor", "host.processors=1");
            await Poll.UntilAsync("the lost worker to be declared down", async () =>
                TestCluster.WorkerState(await cluster.WorkersAsync(), "doomed") == "down");

            var job = await cluster.WaitForJobAsync(id);

            Assert.Equal("complete", job.GetProperty("state").GetString());
            var subjob = job.GetProperty("subjobs")[0];
            Assert.Equal(("survivor", 2), (subjob.GetProperty("host").GetString(), subjob.GetProperty("attempt").GetInt32()));
            Assert.Equal(["doomed", "survivor"], subjob.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("host").GetString()));
            Assert.Equal($"finished on survivor attempt of job {id}\n", (await cluster.RunAsync("logs", $"{id}")).Stdout);
            var doomed = (await cluster.WorkersAsync()).EnumerateArray().Single(w => w.GetProperty("name").GetString() == "doomed");
            Assert.All(doomed.GetProperty("resources").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("used").GetInt32()));
        }
        finally
        {
            // The SIGKILLed worker could not stop its child; it is this test's to clean up.
            ProcessSignals.KillGroup(pid);
        }
    }
}
