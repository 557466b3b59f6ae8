using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hearth.Algorithms.Tests.Worker;
using Hearth.Protocol.Rest;
using Hearth.Supervisor;
using Hearth.Worker;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>A call's answer: its status and its JSON body.</summary>
internal sealed record CallAnswer(int Status, JsonElement Body)
{
    public JsonElement Result => Body.GetProperty("result");

    public JsonElement Metadata => Body.GetProperty("metadata");

    public bool ColdStart => Metadata.GetProperty("cold_start").GetBoolean();

    public string Error => Body.GetProperty("error").GetProperty("message").GetString()!;
}

/// <summary>
/// A real supervisor on free loopback ports with real worker agents, in this process, over a scratch data
/// directory; instances are real child processes. Everything it starts stops when it is disposed.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _scratch = new();
    private readonly List<(WorkerAgent Agent, Task Running)> _workers = [];
    private readonly CancellationTokenSource _stop = new();
    private SupervisorHost? _host;

    public SupervisorHost Host => _host!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>A directory for the test's own files, deleted with the cluster.</summary>
    public string ScratchPath => _scratch.Path;

    public static async Task<TestCluster> StartAsync(
        int workers = 1, string resources = "host.processors=4,host.memory=4000", TimeSpan? idleTimeout = null, TimeSpan? minResidency = null,
        long outputBufferBytes = WorkerOptions.OutputBufferDefaultBytes, Func<WorkerOptions, WorkerOptions>? worker = null)
    {
        var cluster = new TestCluster { _configure = worker ?? (o => o) };
        try
        {
            await cluster.StartCoreAsync(workers, resources, idleTimeout ?? TimeSpan.FromMinutes(10), minResidency ?? TimeSpan.FromSeconds(15), outputBufferBytes);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    private SupervisorOptions _options = null!;
    private Func<WorkerOptions, WorkerOptions> _configure = o => o;

    private async Task StartCoreAsync(int workers, string resources, TimeSpan idleTimeout, TimeSpan minResidency, long outputBufferBytes)
    {
        _options = new SupervisorOptions
        {
            DataDirectory = Path.Combine(_scratch.Path, "data"),
            Port = 0,
            WorkerPort = 0,
            IdleTimeout = idleTimeout,
            InstanceMinResidency = minResidency,
            HeartbeatTimeout = TimeSpan.FromSeconds(10),
            KillGrace = TimeSpan.FromSeconds(1),
        };
        _host = await SupervisorHost.StartAsync(_options);
        _options = _options with { Port = Host.Url.Port, WorkerPort = Host.WorkerUrl.Port };
        Admin = Client(Host.Keys.AdminKey);
        Anonymous = Client(null);
        for (var i = 1; i <= workers; i++)
        {
            var agent = new WorkerAgent(_configure(new WorkerOptions
            {
                Supervisor = Host.Url,
                ApiKey = Host.Keys.WorkerKey!,
                Name = $"w{i}",
                Resources = resources,
                RunDirectory = Path.Combine(_scratch.Path, $"w{i}"),
                OutputBufferBytes = outputBufferBytes,
            }));
            _workers.Add((agent, Task.Run(() => agent.RunAsync(_stop.Token))));
            await agent.Registered.WaitAsync(Bound);
        }
    }

    /// <summary>
    /// Stops the supervisor and starts a new one on the same data directory and ports; the workers, and the instances
    /// they run, carry on and reconnect.
    /// </summary>
    public async Task RestartSupervisorAsync()
    {
        await StopSupervisorAsync();
        await StartSupervisorAgainAsync();
    }

    /// <summary>Stops the supervisor; the workers carry on, trying to reconnect.</summary>
    public async Task StopSupervisorAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
        _host = null;
    }

    /// <summary>Starts a supervisor again on the same data directory and ports.</summary>
    public async Task StartSupervisorAgainAsync()
    {
        _host = await SupervisorHost.StartAsync(_options);
        Admin.Dispose();
        Anonymous.Dispose();
        Admin = Client(Host.Keys.AdminKey);
        Anonymous = Client(null);
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Host.Url, Timeout = TimeSpan.FromMinutes(5) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        }

        return client;
    }

    public async Task AccountAsync(string name, bool org = false) =>
        (await Admin.PostAsJsonAsync("/v1/accounts", new CreateAccountRequest(name, org ? "org" : "user"), ApiJson.Options)).EnsureSuccessStatusCode();

    public async Task MemberAsync(string org, string user) =>
        (await Admin.PostAsJsonAsync($"/v1/orgs/{org}/members", new AddMemberRequest(user), ApiJson.Options)).EnsureSuccessStatusCode();

    public async Task<string> KeyAsync(string account)
    {
        var response = await Admin.PostAsync($"/v1/accounts/{account}/keys", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options))!.Key;
    }

    /// <summary>Packages <paramref name="directory"/> as <c>algo push</c> does (build command, hash, archive) and uploads it.</summary>
    public async Task<string> PushAsync(string directory, string algorithm, string? key = null)
    {
        var archive = Path.Combine(_scratch.Path, $"push-{Guid.NewGuid():N}.tar.gz");
        var build = await BuildPackager.PackageAsync(directory, archive, _ => { }, CancellationToken.None);
        await using var stream = File.OpenRead(archive);
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var client = key is null ? Admin : Client(key);
        var source = build.Source == HashSource.Git ? "git" : "content";
        var response = await client.PostAsync($"/v1/algorithms/{algorithm}/builds?hash={build.Hash}&source={source}", content);
        Assert.True(response.IsSuccessStatusCode, $"push failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return build.Hash;
    }

    public async Task PublishAsync(string algorithm, string hash, string version, bool isPublic) =>
        (await Admin.PostAsJsonAsync($"/v1/algorithms/{algorithm}/versions", new PublishRequest(hash, version, isPublic ? "public" : "private"), ApiJson.Options))
            .EnsureSuccessStatusCode();

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

    public async Task<IReadOnlyList<InstanceItemView>> InstancesAsync() =>
        (await Admin.GetFromJsonAsync<InstanceListView>("/v1/instances", ApiJson.Options))!.Instances;

    /// <summary>Polls the instance list until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the bound.</summary>
    public async Task<IReadOnlyList<InstanceItemView>> WaitForInstancesAsync(Func<IReadOnlyList<InstanceItemView>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var instances = await InstancesAsync();
            if (condition(instances))
            {
                return instances;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; instances: {JsonSerializer.Serialize(instances, ApiJson.Options)}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until nothing is in use on any host. The resources view is rebuilt by the scheduling loop, so a release
    /// shows there a cycle after the instance list; the bound fails a release that never comes.
    /// </summary>
    public async Task WaitForNothingInUseAsync(string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var resources = await Admin.GetFromJsonAsync<ResourcesView>("/v1/resources", ApiJson.Options);
            if (resources!.Hosts.All(h => h.Resources.All(r => r.Used == 0)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; resources: {JsonSerializer.Serialize(resources, ApiJson.Options)}");
            await Task.Delay(50);
        }
    }

    public IReadOnlyList<WorkerAgent> Agents => [.. _workers.Select(w => w.Agent)];

    public int InstancesOnWorkers => _workers.Sum(w => w.Agent.InstanceCount);

    /// <summary>How many subjob processes the workers run now.</summary>
    public int SubjobsOnWorkers => _workers.Sum(w => w.Agent.RunningCount);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (agent, running) in _workers)
        {
            try
            {
                await running.WaitAsync(Bound);
            }
            catch (Exception e) when (e is OperationCanceledException or WorkerRefusedException or Grpc.Core.RpcException)
            {
                // Stopped.
            }

            agent.Dispose();
        }

        Admin?.Dispose();
        Anonymous?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        _stop.Dispose();
        _scratch.Dispose();
    }
}
