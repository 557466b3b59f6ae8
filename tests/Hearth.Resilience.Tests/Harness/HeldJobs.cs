using Hearth.Protocol.Rest;
using Hearth.Testing;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>
/// What the resilience tests do with a process-mode <see cref="TestCluster"/>: read its API as the admin, and run
/// jobs whose script records every start and then waits to be released, so a test can tell a re-adopted process
/// from a rerun.
/// </summary>
internal static class HeldJobs
{
    private const string Script = """
        #!/bin/sh
        # Records this start, then runs until released, its cluster stops, or 10 minutes pass, so nothing outlives a broken test.
        echo "$$ $QB_JOBSLOTS" >> "$1/started.$QB_JOBID.$QB_SUBID"
        i=0
        while [ ! -e "$2" ] && [ ! -e "$1/release.$QB_JOBID.$QB_SUBID" ] && [ ! -e "$1/release.all" ] && [ $i -lt 6000 ]; do
          sleep 0.1
          i=$((i + 1))
        done
        echo "released $QB_JOBID.$QB_SUBID"
        """;

    extension(TestCluster farm)
    {
        /// <summary>The API as the admin sees it, over the cluster's own clients (so it follows supervisor restarts).</summary>
        public SupervisorApi Api => new(farm);

        /// <summary>The supervisor's <c>--db</c>, or null for SQLite in its data directory.</summary>
        public string? Database => farm.Options.Database;

        /// <summary>A directory the cluster's jobs record their starts in, made on first use.</summary>
        public string Marks => Directory.CreateDirectory(Path.Combine(farm.Root, "marks")).FullName;

        /// <summary>A command that records its start in <see cref="Marks"/> and runs until released or the cluster stops.</summary>
        public IReadOnlyList<string> HeldCommand
        {
            get
            {
                var script = Path.Combine(farm.Root, "job.sh");
                if (!File.Exists(script))
                {
                    File.WriteAllText(script, Script);
                }

                return ["sh", script, farm.Marks, farm.StoppingMark];
            }
        }

        public Task<long> SubmitHeldAsync(string reservations, int cpus = 1, int priority = 9999, string? name = null) =>
            farm.Api.SubmitAsync(new SubmitJobRequest(farm.HeldCommand, name, reservations, priority, cpus));

        public void Release(long job, int index) => File.WriteAllText(Path.Combine(farm.Marks, $"release.{job}.{index}"), "");

        public void ReleaseAll() => File.WriteAllText(Path.Combine(farm.Marks, "release.all"), "");

        /// <summary>Every start a subjob's process recorded: its pid and the slots it was given.</summary>
        public IReadOnlyList<string> Starts(long job, int index)
        {
            var path = Path.Combine(farm.Marks, $"started.{job}.{index}");
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }

        public async Task<JobView> WaitForSubjobsAsync(long job, string state, int count, int? attempt = null)
        {
            JobView view = null!;
            await Poll.UntilAsync($"{count} subjob(s) of job {job} to be {state}{(attempt is null ? "" : $" on attempt {attempt}")}", async () =>
            {
                view = await farm.Api.JobAsync(job);
                return view.Subjobs.Count(s => s.State == state && (state != "running" || s.Pid is not null) && (attempt is null || s.Attempt == attempt)) == count;
            }, state: () => $"job {job}: {string.Join(", ", view?.Subjobs.Select(s => $"{s.Id}={s.State}#{s.Attempt}") ?? [])}");
            return view;
        }

        public async Task<JobView> WaitForJobAsync(long job, string state)
        {
            JobView view = null!;
            await Poll.UntilAsync($"job {job} to be {state}", async () => (view = await farm.Api.JobAsync(job)).State == state,
                state: () => $"job {job} is {view?.State}");
            return view;
        }
    }
}
