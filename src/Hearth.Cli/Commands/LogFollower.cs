using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>logs -f</c>: prints a job's output as it is written, half a second behind at most, and returns once the job has
/// ended and its last output is printed. Each subjob's latest attempt is followed; a new attempt starts over, under a
/// header, and so does a switch from one subjob's output to another's when there are several.
/// </summary>
internal static class LogFollower
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public static async Task<int> FollowAsync(SupervisorClient client, long jobId, int? only, CancellationToken cancellation)
    {
        var query = only is { } n ? string.Create(CultureInfo.InvariantCulture, $"?subjob={n}") : "";
        var printed = new Dictionary<int, (int Attempt, int Stdout, int Stderr)>();
        int? last = null;
        while (true)
        {
            // The state is read before the output, so the output read after the end is all of it.
            var job = await client.GetAsync<JobView>($"/v1/jobs/{jobId}", cancellation).ConfigureAwait(false);
            var logs = await client.GetAsync<JobLogsView>($"/v1/jobs/{jobId}/logs{query}", cancellation).ConfigureAwait(false);
            foreach (var log in logs.Subjobs)
            {
                var (attempt, stdout, stderr) = printed.GetValueOrDefault(log.Id, (log.Attempt, 0, 0));
                if (attempt != log.Attempt)
                {
                    (stdout, stderr) = (0, 0);
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"==> subjob {log.Id} attempt {log.Attempt} <==")).ConfigureAwait(false);
                    last = log.Id;
                }

                if ((log.Stdout.Length > stdout || log.Stderr.Length > stderr) && logs.Subjobs.Count > 1 && last != log.Id)
                {
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"==> subjob {log.Id} <==")).ConfigureAwait(false);
                    last = log.Id;
                }

                await Console.Out.WriteAsync(log.Stdout.AsMemory(Math.Min(stdout, log.Stdout.Length)), cancellation).ConfigureAwait(false);
                await Console.Error.WriteAsync(log.Stderr.AsMemory(Math.Min(stderr, log.Stderr.Length)), cancellation).ConfigureAwait(false);
                printed[log.Id] = (log.Attempt, log.Stdout.Length, log.Stderr.Length);
            }

            await Console.Out.FlushAsync(cancellation).ConfigureAwait(false);
            if (JobStates.IsTerminal(job.State))
            {
                return ExitCodes.Ok;
            }

            await Task.Delay(Pause, cancellation).ConfigureAwait(false);
        }
    }
}
