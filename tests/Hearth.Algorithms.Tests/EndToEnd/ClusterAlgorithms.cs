using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Worker;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>What the algorithm tests do with an in-process <see cref="TestCluster"/>: accounts, keys, builds, versions and calls over its API.</summary>
internal static class ClusterAlgorithms
{
    extension(TestCluster)
    {
        /// <summary>An in-process cluster with <paramref name="workers"/> worker agents named w1, w2, ...</summary>
        public static async Task<TestCluster> StartInProcessAsync(
            int workers = 1, string resources = "host.processors=4,host.memory=4000", TimeSpan? idleTimeout = null, TimeSpan? minResidency = null,
            long outputBufferBytes = WorkerOptions.OutputBufferDefaultBytes, Func<WorkerOptions, WorkerOptions>? worker = null)
        {
            var configure = worker ?? (o => o);
            var cluster = await TestCluster.StartAsync(new ClusterOptions
            {
                Mode = ClusterMode.InProcess,
                HeartbeatTimeout = "10s",
                IdleTimeout = idleTimeout ?? TimeSpan.FromMinutes(10),
                ClientTimeout = TimeSpan.FromMinutes(5),
                Supervisor = o => o with { InstanceMinResidency = minResidency ?? TimeSpan.FromSeconds(15), KillGrace = TimeSpan.FromSeconds(1) },
                Worker = o => configure(o with { OutputBufferBytes = outputBufferBytes }),
            });
            try
            {
                for (var i = 1; i <= workers; i++)
                {
                    await cluster.StartWorkerAsync($"w{i}", resources);
                }

                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public static async Task<CallAnswer> CallAsync(HttpClient client, string path, string json = "null", double? timeout = null)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            return await CallAsync(client, path, content, timeout);
        }

        public static async Task<CallAnswer> CallAsync(HttpClient client, string path, HttpContent content, double? timeout = null)
        {
            var url = $"/v1/algo/{path}" + (timeout is { } t ? $"?timeout={t.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
            using var response = await client.PostAsync(url, content);
            var body = await response.Content.ReadAsStringAsync();
            return new CallAnswer((int)response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
        }
    }

    extension(TestCluster cluster)
    {
        public async Task AccountAsync(string name, bool org = false) =>
            (await cluster.Admin.PostAsJsonAsync("/v1/accounts", new CreateAccountRequest(name, org ? "org" : "user"), ApiJson.Options)).EnsureSuccessStatusCode();

        public async Task MemberAsync(string org, string user) =>
            (await cluster.Admin.PostAsJsonAsync($"/v1/orgs/{org}/members", new AddMemberRequest(user), ApiJson.Options)).EnsureSuccessStatusCode();

        public async Task<string> KeyAsync(string account)
        {
            var response = await cluster.Admin.PostAsync($"/v1/accounts/{account}/keys", null);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options))!.Key;
        }

        /// <summary>Packages <paramref name="directory"/> as <c>algo push</c> does (build command, hash, archive) and uploads it.</summary>
        public async Task<string> PushAsync(string directory, string algorithm, string? key = null)
        {
            var archive = Path.Combine(cluster.Root, $"push-{Guid.NewGuid():N}.tar.gz");
            var build = await BuildPackager.PackageAsync(directory, archive, _ => { }, CancellationToken.None);
            await using var stream = File.OpenRead(archive);
            using var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            var client = key is null ? cluster.Admin : cluster.Client(key);
            var source = build.Source == HashSource.Git ? "git" : "content";
            var response = await client.PostAsync($"/v1/algorithms/{algorithm}/builds?hash={build.Hash}&source={source}", content);
            Assert.True(response.IsSuccessStatusCode, $"push failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return build.Hash;
        }

        public async Task PublishAsync(string algorithm, string hash, string version, bool isPublic) =>
            (await cluster.Admin.PostAsJsonAsync($"/v1/algorithms/{algorithm}/versions", new PublishRequest(hash, version, isPublic ? "public" : "private"), ApiJson.Options))
                .EnsureSuccessStatusCode();

        public async Task<IReadOnlyList<InstanceItemView>> InstancesAsync() =>
            (await cluster.Admin.GetFromJsonAsync<InstanceListView>("/v1/instances", ApiJson.Options))!.Instances;

        /// <summary>Polls the instance list until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the bound.</summary>
        public async Task<IReadOnlyList<InstanceItemView>> WaitForInstancesAsync(Func<IReadOnlyList<InstanceItemView>, bool> condition, string what)
        {
            IReadOnlyList<InstanceItemView> instances = [];
            await Poll.UntilAsync(what, async () => condition(instances = await cluster.InstancesAsync()),
                state: () => $"instances: {JsonSerializer.Serialize(instances, ApiJson.Options)}");
            return instances;
        }

        /// <summary>
        /// Waits until nothing is in use on any host. The resources view is rebuilt by the scheduling loop, so a release
        /// shows there a cycle after the instance list; the bound fails a release that never comes.
        /// </summary>
        public async Task WaitForNothingInUseAsync(string what)
        {
            ResourcesView? resources = null;
            await Poll.UntilAsync(what, async () =>
            {
                resources = await cluster.Admin.GetFromJsonAsync<ResourcesView>("/v1/resources", ApiJson.Options);
                return resources!.Hosts.All(h => h.Resources.All(r => r.Used == 0));
            }, state: () => $"resources: {JsonSerializer.Serialize(resources, ApiJson.Options)}");
        }

        public int InstancesOnWorkers => cluster.Agents.Sum(a => a.InstanceCount);

        /// <summary>How many subjob processes the workers run now.</summary>
        public int SubjobsOnWorkers => cluster.Agents.Sum(a => a.RunningCount);
    }
}
