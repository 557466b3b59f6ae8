using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>What these tests do with a process-mode <see cref="TestCluster"/>: start it with workers, and drive it through the CLI as the admin.</summary>
internal static class ClusterCommands
{
    extension(TestCluster)
    {
        public static Task<TestCluster> StartAsync(string heartbeatTimeout = "30s", string? globals = null, params (string Name, string Resources)[] workers) =>
            TestCluster.StartAsync([], heartbeatTimeout, globals, workers);

        /// <summary>As above, with more supervisor options, e.g. <c>--max-requeues 1</c>.</summary>
        public static async Task<TestCluster> StartAsync(
            string[] supervisorOptions, string heartbeatTimeout = "30s", string? globals = null, params (string Name, string Resources)[] workers)
        {
            var cluster = await TestCluster.StartAsync(new ClusterOptions { HeartbeatTimeout = heartbeatTimeout, GlobalResources = globals, SupervisorArguments = supervisorOptions });
            try
            {
                foreach (var (name, resources) in workers)
                {
                    await cluster.StartWorkerAsync(name, resources);
                }

                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }

    extension(TestCluster cluster)
    {
        /// <summary>Runs a command that must succeed and returns its JSON (last line of stdout).</summary>
        public async Task<JsonElement> JsonAsync(params string[] args)
        {
            var result = await cluster.RunAsync([.. args, "--json"]);
            Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
            return result.Json;
        }

        public async Task<long> SubmitAsync(string reservations, params string[] command)
        {
            var result = await cluster.RunAsync(["submit", "--json", "-r", reservations, "--", .. command]);
            Assert.True(result.ExitCode == 0, $"submit failed: {result}");
            return result.Json.GetProperty("id").GetInt64();
        }

        public async Task<JsonElement> WaitForJobAsync(long id, string timeout = "60s")
        {
            var result = await cluster.RunAsync("wait", $"{id}", "--json", "--timeout", timeout);
            Assert.True(result.ExitCode is 0 or 1 && result.Stdout.Length > 0, $"wait {id} failed: {result}");
            return result.Json;
        }

        public Task<JsonElement> JobAsync(long id) => cluster.JsonAsync("job", $"{id}");

        public async Task<JsonElement> WaitForStateAsync(long id, string state)
        {
            JsonElement job = default;
            await Poll.UntilAsync($"job {id} to be {state}", async () =>
            {
                job = await cluster.JobAsync(id);
                return job.GetProperty("state").GetString() == state;
            }, state: () => $"job {id}: {job}");
            return job;
        }
    }
}
