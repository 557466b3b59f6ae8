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
        await Until(() => File.Exists(Path.Combine(work, "started")), "the job to start");

        await cluster.StopSupervisorAsync();
        await File.WriteAllTextAsync(Path.Combine(work, "go"), "", ct);
        await Until(() => cluster.SubjobsOnWorkers == 0, "the job to end on its worker");
        await cluster.StartSupervisorAsync();

        var log = await Until(async () =>
        {
            var logs = await cluster.Admin.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{id}/logs", ApiJson.Options, ct);
            return logs!.Subjobs.Single() is { Stderr: var e } subjob && e.EndsWith("last words\n", StringComparison.Ordinal) ? subjob : null;
        }, "the log's end to reach the supervisor");

        var marker = Assert.Single(Marker().Matches(log.Stderr));
        var dropped = long.Parse(marker.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var keptStderr = log.Stderr.Length - marker.Length;
        Assert.Equal(Printed + "\n".Length + "last words\n".Length, dropped + log.Stdout.Length + keptStderr);
        Assert.InRange(log.Stdout.Length + keptStderr, 1, BufferBytes);
        Assert.EndsWith("xxx\n", log.Stdout, StringComparison.Ordinal);
        Assert.Equal("complete", (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, ct))!.State);
    }

    private static async Task Until(Func<bool> condition, string what) =>
        await Until(() => Task.FromResult<object?>(condition() ? true : null), what);

    private static async Task<T> Until<T>(Func<Task<T?>> attempt, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Poll.DefaultBound;
        while (true)
        {
            if (await attempt() is { } done)
            {
                return done;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
