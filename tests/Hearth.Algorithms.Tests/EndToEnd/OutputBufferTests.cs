using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hearth.Protocol.Rest;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>A real worker whose subjob prints more than its output buffer while the supervisor is down.</summary>
public sealed partial class OutputBufferTests
{
    private const int BufferBytes = 256 * 1024;
    private const int Printed = 1024 * 1024;

    [GeneratedRegex(@"\[hearth: (\d+) bytes of output dropped while waiting for the supervisor\]\n")]
    private static partial Regex Marker();

    [Fact]
    public async Task OutputPrintedWhileTheSupervisorIsDownKeepsItsEndAndTheLogSaysHowMuchWasDropped()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(outputBufferBytes: BufferBytes);
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateDirectory(Path.Combine(cluster.Root, "job")).FullName;
        var script = "touch started; i=0; while [ ! -e go ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; "
            + $"head -c {Printed} /dev/zero | tr '\\000' x; echo; echo last words >&2";
        var submitted = await cluster.Admin.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(["sh", "-c", script], WorkingDirectory: work), ApiJson.Options, ct);
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, ct))!.Id;
        await Poll.UntilAsync("the job to start", () => File.Exists(Path.Combine(work, "started")));

        await cluster.StopSupervisorAsync();
        await File.WriteAllTextAsync(Path.Combine(work, "go"), "", ct);
        await Poll.UntilAsync("the job to end on its worker", () => cluster.SubjobsOnWorkers == 0);
        await cluster.StartSupervisorAsync();

        SubjobLogView log = null!;
        await Poll.UntilAsync("the log's end to reach the supervisor", async () =>
        {
            log = (await cluster.Admin.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{id}/logs", ApiJson.Options, ct))!.Subjobs.Single();
            return log.Stderr.EndsWith("last words\n", StringComparison.Ordinal);
        });

        var marker = Assert.Single(Marker().Matches(log.Stderr));
        var dropped = long.Parse(marker.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var keptStderr = log.Stderr.Length - marker.Length;
        Assert.Equal(Printed + "\n".Length + "last words\n".Length, dropped + log.Stdout.Length + keptStderr);
        Assert.InRange(log.Stdout.Length + keptStderr, 1, BufferBytes);
        Assert.EndsWith("xxx\n", log.Stdout, StringComparison.Ordinal);
        Assert.Equal("complete", (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, ct))!.State);
    }
}
