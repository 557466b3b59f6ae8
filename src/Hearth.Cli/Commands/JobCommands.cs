using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Spectre.Console;

namespace Hearth.Cli.Commands;

/// <summary><c>submit</c>, <c>jobs</c>, <c>job</c>, <c>wait</c>, <c>kill</c> and <c>logs</c>: jobs on a running supervisor.</summary>
internal static class JobCommands
{
    public static IEnumerable<Command> Create() => [Submit(), Jobs(), Job(), Wait(), Kill(), Logs()];

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };

    private static Command Submit()
    {
        var name = new Option<string?>("--name") { Description = "The job's name (default: the command's file name)" };
        var reservations = new Option<string?>("--reservations", "-r") { Description = "Reservations, e.g. host.processors=2+,global.maya=1 (default host.processors=1)" };
        var cpus = new Option<int?>("--cpus") { Description = "How many subjobs run in parallel (default 1)" };
        var priority = new Option<int?>("--priority") { Description = "1 is highest, 9999 lowest (default 9999)" };
        var retries = new Option<int?>("--retries") { Description = "Run a subjob that exits non-zero again, up to this many times (default 0)" };
        var retryDelay = new Option<string?>("--retry-delay") { Description = "Wait this long before each retry, e.g. 30s or 2m (default: at once)" };
        var waitFor = new Option<string?>("--wait-for") { Description = "Job IDs, comma-separated: this job stays blocked until they all complete, and fails if one does not" };
        var agenda = new AgendaOptions();
        var where = new WhereOptions();
        var json = JsonOption();
        var command = new Argument<string[]>("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var submit = new Command("submit", "Submit a job: hearth submit [options] -- CMD [ARGS...]")
        {
            name, reservations, cpus, priority, retries, retryDelay, waitFor, json, command,
        };
        where.AddTo(submit);
        agenda.AddTo(submit);
        submit.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var spec = result.GetValue(reservations);
            if (spec is not null && !ResourceRequest.TryParse(spec, out _, out var error))
            {
                return Output.Error($"invalid reservation: {error}", ExitCodes.InvalidInput);
            }

            if (result.GetValue(retryDelay) is { } delay && delay.Trim() is not ("0" or "0s") && !Durations.TryParse(delay, out _, out var delayError))
            {
                return Output.Error($"--retry-delay: {delayError}", ExitCodes.InvalidInput);
            }

            var requirements = where.Read(result);
            var request = agenda.AddTo(
                new SubmitJobRequest(
                    result.GetValue(command), result.GetValue(name), spec, result.GetValue(priority), result.GetValue(cpus), Environment.CurrentDirectory,
                    result.GetValue(retries), result.GetValue(retryDelay), ParseJobIds(result.GetValue(waitFor), "--wait-for"), requirements),
                result);
            var created = await client.PostAsync<SubmitJobResponse>("/v1/jobs", request, CancellationToken.None).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(created);
            }
            else
            {
                Console.Out.WriteLine(created.Id.ToString(CultureInfo.InvariantCulture));
            }

            return ExitCodes.Ok;
        }));
        return submit;
    }

    private static Command Jobs()
    {
        var state = new Option<string?>("--state") { Description = "Only jobs in this state: pending, blocked, running, complete, failed or killed" };
        var limit = new Option<int?>("--limit") { Description = "At most this many, newest first (default 100)" };
        var json = JsonOption();
        var jobs = new Command("jobs", "List jobs, newest first: all of them with an admin key, an account's own and its organizations' with an account key") { state, limit, json };
        jobs.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var query = new List<string>();
            if (result.GetValue(state) is { } s)
            {
                query.Add("state=" + Uri.EscapeDataString(s));
            }

            if (result.GetValue(limit) is { } l)
            {
                query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
            }

            var list = await client.GetAsync<JobListView>("/v1/jobs" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), CancellationToken.None)
                .ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(list);
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine($"{"ID",6}  {"STATE",-9} {"PRI",5} {"CPUS",4}  {"NAME",-20} {"SUBMITTED BY",-16} RESERVATIONS");
            foreach (var j in list.Jobs)
            {
                Console.Out.WriteLine($"{j.Id,6}  {j.State,-9} {j.Priority,5} {j.Cpus,4}  {Clip(j.Name, 20),-20} {Clip(j.SubmittedBy, 16),-16} {j.Reservations}");
            }

            return ExitCodes.Ok;
        }));
        return jobs;
    }

    private static Command Job()
    {
        var id = new Argument<string>("id") { Description = "A job ID" };
        var json = JsonOption();
        var job = new Command("job", "Show a job with its subjobs, hosts, allocations, exit codes, attempts and what it waits for") { id, json, JobRetryCommand.Create() };
        job.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var view = await client.GetAsync<JobView>($"/v1/jobs/{jobId}", CancellationToken.None).ConfigureAwait(false);
            Print(view, result.GetValue(json));
            return ExitCodes.Ok;
        }));
        return job;
    }

    private static Command Wait()
    {
        var id = new Argument<string>("id") { Description = "A job ID" };
        var timeout = new Option<string?>("--timeout") { Description = "Give up after this long, e.g. 90s or 5m (default: wait forever)" };
        var json = JsonOption();
        var wait = new Command("wait", "Wait for a job to end; exit 0 if it completed, 1 if it failed or was killed, 3 if --timeout passed first") { id, timeout, json };
        wait.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            TimeSpan? limit = null;
            if (result.GetValue(timeout) is { } text)
            {
                if (!Durations.TryParse(text, out var parsed, out var error))
                {
                    return Output.Error(error!, ExitCodes.InvalidInput);
                }

                limit = parsed;
            }

            var view = TerminalProgress.For(result.GetValue(json)) is { } console
                ? await WaitShowingProgressAsync(console, client, jobId, limit, cancellation).ConfigureAwait(false)
                : await WaitForEndAsync(client, jobId, limit, cancellation).ConfigureAwait(false);
            if (!JobStates.IsTerminal(view.State))
            {
                return Output.Error($"job {jobId} is still {view.State} after {result.GetValue(timeout)}", ExitCodes.TimedOut);
            }

            Print(view, result.GetValue(json), brief: true);
            return view.State == JobStates.Complete ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return wait;
    }

    private static Command Kill()
    {
        var id = new Argument<string>("id") { Description = "A job ID" };
        var json = JsonOption();
        var kill = new Command("kill", "Kill a job: its running process trees are stopped and its resources freed") { id, json };
        kill.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var view = await client.PostAsync<JobView>($"/v1/jobs/{jobId}/kill", null, CancellationToken.None).ConfigureAwait(false);
            if (!JobStates.IsTerminal(view.State))
            {
                view = await WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60), cancellation).ConfigureAwait(false);
            }

            if (!JobStates.IsTerminal(view.State))
            {
                return Output.Error($"job {jobId} was asked to stop but is still {view.State}; its worker may be unreachable");
            }

            Print(view, result.GetValue(json), brief: true);
            return ExitCodes.Ok;
        }));
        return kill;
    }

    private static Command Logs()
    {
        var id = new Argument<string>("id") { Description = "A job ID, or JOB.SUBJOB for one subjob" };
        var subjob = new Option<int?>("--subjob") { Description = "Only this subjob" };
        var frame = new Option<int?>("--frame") { Description = "The output of the agenda item holding this frame" };
        var attempt = new Option<int?>("--attempt") { Description = "This attempt's output instead of the latest (attempts count from 1; see job ID)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the job ends" };
        var json = JsonOption();
        var logs = new Command("logs", "Print a job's captured stdout and stderr (latest attempt of each subjob, or of the item holding --frame F)")
        {
            id, subjob, attempt, frame, follow, json,
        };
        logs.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var text = result.GetValue(id)!;
            var jobId = ClientCommand.ParseJobId(text);
            var only = result.GetValue(subjob);
            if (only < 0)
            {
                return Output.Error($"--subjob {only} is negative; subjobs are numbered from 0", ExitCodes.InvalidInput);
            }

            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                only = int.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                    ? s
                    : throw new CliException($"\"{text}\" is not JOB or JOB.SUBJOB", ExitCodes.InvalidInput);
            }

            var which = result.GetValue(attempt);
            if (result.GetValue(follow))
            {
                return result.GetValue(json) || which is not null || result.GetValue(frame) is not null
                    ? Output.Error("--follow prints the latest attempts' output as it comes; it takes none of --json, --attempt and --frame", ExitCodes.InvalidInput)
                    : await LogFollower.FollowAsync(client, jobId, only, cancellation).ConfigureAwait(false);
            }

            if (result.GetValue(json) || which is not null || result.GetValue(frame) is not null)
            {
                var parts = new List<string>();
                if (result.GetValue(frame) is { } f)
                {
                    parts.Add($"frame={f.ToString(CultureInfo.InvariantCulture)}");
                }

                if (only is { } n)
                {
                    parts.Add($"subjob={n}");
                }

                if (which is { } a)
                {
                    parts.Add($"attempt={a}");
                }

                var query = parts.Count > 0 ? "?" + string.Join('&', parts) : "";
                if (!result.GetValue(json))
                {
                    // The job's own output, as it wrote it, like the latest attempt's below.
                    var chosen = await client.GetAsync<JobLogsView>($"/v1/jobs/{jobId}/logs{query}", cancellation).ConfigureAwait(false);
                    await using var rawOut = Console.OpenStandardOutput();
                    await using var rawErr = Console.OpenStandardError();
                    foreach (var log in chosen.Subjobs)
                    {
                        await rawOut.WriteAsync(System.Text.Encoding.UTF8.GetBytes(log.Stdout), cancellation).ConfigureAwait(false);
                        await rawErr.WriteAsync(System.Text.Encoding.UTF8.GetBytes(log.Stderr), cancellation).ConfigureAwait(false);
                    }

                    return ExitCodes.Ok;
                }

                Output.WriteJson(await client.GetAsync<JobLogsView>($"/v1/jobs/{jobId}/logs{query}", cancellation).ConfigureAwait(false));
                return ExitCodes.Ok;
            }

            var job = await client.GetAsync<JobView>($"/v1/jobs/{jobId}", cancellation).ConfigureAwait(false);
            var subjobs = job.Subjobs.Where(s => only is null || s.Id == only).ToList();
            if (subjobs.Count == 0)
            {
                return Output.Error($"job {jobId} has no subjob {only}");
            }

            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            foreach (var s in subjobs)
            {
                if (subjobs.Count > 1)
                {
                    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"==> subjob {s.Id} <==\n"), cancellation).ConfigureAwait(false);
                }

                await client.CopyAsync($"/v1/jobs/{jobId}/subjobs/{s.Id}/stdout", stdout, cancellation).ConfigureAwait(false);
                await client.CopyAsync($"/v1/jobs/{jobId}/subjobs/{s.Id}/stderr", stderr, cancellation).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return logs;
    }

    /// <summary>
    /// Waits as <see cref="WaitForEndAsync"/> does, asking every second so that a bar shows the subjobs done of the
    /// total, and which are running, until the job ends.
    /// </summary>
    private static Task<JobView> WaitShowingProgressAsync(IAnsiConsole console, SupervisorClient client, long jobId, TimeSpan? limit, CancellationToken cancellation) =>
        TerminalProgress.Counting(console).StartAsync(context =>
        {
            var bar = context.AddTask($"job {jobId}", maxValue: 1);
            return WaitForEndAsync(client, jobId, limit, cancellation, view =>
            {
                if (view.Frames is { } frames)
                {
                    // An agenda job's progress is its frames': its subjobs come and go as items are handed out.
                    var complete = frames.GetValueOrDefault(JobStates.Complete);
                    bar.MaxValue = Math.Max(1, frames.Values.Sum());
                    bar.Value = complete;
                    bar.Description = Markup.Escape($"job {jobId} {view.State}: {complete} of {frames.Values.Sum()} items done, {frames.GetValueOrDefault(JobStates.Running)} running");
                    return;
                }

                var done = view.Subjobs.Count(s => JobStates.IsTerminal(s.State));
                var running = view.Subjobs.Count(s => s.State == JobStates.Running);
                bar.MaxValue = Math.Max(1, view.Subjobs.Count);
                bar.Value = done;
                bar.Description = Markup.Escape($"job {jobId} {view.State}: {done} of {view.Subjobs.Count} subjobs done, {running} running");
            });
        });

    /// <summary>
    /// Long-polls the supervisor until the job ends or <paramref name="limit"/> passes; with <paramref name="seen"/>, asks
    /// every second and shows it each answer.
    /// </summary>
    internal static async Task<JobView> WaitForEndAsync(
        SupervisorClient client, long jobId, TimeSpan? limit, CancellationToken cancellation, Action<JobView>? seen = null)
    {
        var deadline = limit is { } l ? DateTimeOffset.UtcNow + l : DateTimeOffset.MaxValue;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            var poll = Math.Clamp(left.TotalSeconds, 0, seen is null ? 30 : 1);
            var view = await client.GetAsync<JobView>(
                $"/v1/jobs/{jobId}/wait?timeout={poll.ToString("0.###", CultureInfo.InvariantCulture)}", cancellation).ConfigureAwait(false);
            seen?.Invoke(view);
            if (JobStates.IsTerminal(view.State) || DateTimeOffset.UtcNow >= deadline)
            {
                return view;
            }
        }
    }

    private static void Print(JobView view, bool json, bool brief = false)
    {
        if (json)
        {
            Output.WriteJson(view);
            return;
        }

        Console.Out.WriteLine($"job {view.Id} {view.Name}: {view.State}");
        if (brief)
        {
            return;
        }

        Console.Out.WriteLine($"  submitted by {view.SubmittedBy}");
        Console.Out.WriteLine($"  command      {string.Join(' ', view.Command)}");
        Console.Out.WriteLine($"  reservations {view.Reservations}   priority {view.Priority}   cpus {view.Cpus}");
        if (view.Range is { } range)
        {
            Console.Out.WriteLine($"  range        {range}   chunk {view.Chunk}");
            Console.Out.WriteLine($"  frames       {FrameCommands.Counts(view.Frames ?? new Dictionary<string, int>())}");
        }

        if (view.Retries > 0)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  retries      {view.Retries}, {view.RetryDelaySeconds:0.###}s apart"));
        }

        if (view.WaitFor is { Count: > 0 } waitFor)
        {
            var waiting = view.WaitingFor is { Count: > 0 } w ? $" (still waiting for {string.Join(", ", w)})" : "";
            Console.Out.WriteLine($"  waits for    {string.Join(", ", waitFor)}{waiting}");
        }

        if (view.Requirements is { } requirements)
        {
            Console.Out.WriteLine($"  requirements {requirements}");
        }

        foreach (var c in view.Changes ?? [])
        {
            Console.Out.WriteLine($"  changed {c.At:u} by {c.By}: {c.Field} {Shown(c.From)} -> {Shown(c.To)}");
        }

        foreach (var s in view.Subjobs)
        {
            var allocations = string.Join(',', s.Allocations.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            var exit = s.ExitCode is { } code ? $" exit {code}" : "";
            var error = s.Error is null ? "" : $" ({s.Error})";
            var attempt = s.Attempt > 1 ? $" attempt {s.Attempt}" : "";
            Console.Out.WriteLine($"  subjob {s.Id}: {s.State}{attempt} on {s.Host ?? "-"} [{allocations}]{exit}{error}");
            foreach (var a in s.Attempts ?? [])
            {
                var ended = a.ExitCode is { } c ? $" exit {c}" : "";
                Console.Out.WriteLine($"    attempt {a.Attempt}: {a.Outcome} on {a.Host ?? "-"}{ended}{(a.Error is null ? "" : $" ({a.Error})")}");
            }
        }

        if (view.PendingReason is { } reason)
        {
            Console.Out.WriteLine($"  pending: {reason}");
        }
    }

    /// <summary>A comma-separated list of job IDs; null for none.</summary>
    private static List<long>? ParseJobIds(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        var ids = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                throw new CliException($"{option}: \"{part}\" is not a job ID; give IDs separated by commas, e.g. 12,13", ExitCodes.InvalidInput);
            }

            ids.Add(id);
        }

        return ids;
    }

    private static string Shown(string value) => value.Length == 0 ? "(none)" : value;

    internal static void PrintJob(JobView view, bool json) => Print(view, json);

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
