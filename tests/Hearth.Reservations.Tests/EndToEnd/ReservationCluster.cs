using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Reservations.Tests.EndToEnd;

/// <summary>
/// The cluster the end-to-end and browser tests share: <c>hearth up</c> (a supervisor and two local workers in one
/// process) with a short idle timeout, its instances real Python processes, and the reservation API on top. Tests
/// create their own accounts and algorithms, so they never see each other's instances.
/// </summary>
public sealed class ReservationCluster : IAsyncLifetime
{
    /// <summary>Unreserved idle instances stop after this; reserved ones must outlive it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private TestCluster _cluster = null!;

    public Uri Url => _cluster.Url;

    public string AdminKey => _cluster.AdminKey;

    /// <summary>Calls the API with the admin key.</summary>
    public HttpClient Admin => _cluster.Admin;

    public IReadOnlyDictionary<string, string?> Environment => _cluster.Environment;

    public string WorkDirectory => _cluster.Root;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(new ClusterOptions
    {
        LocalWorkers = 2,
        LocalWorkerResources = "host.processors=16,host.memory=8192",
        IdleTimeout = IdleTimeout,
        ClientTimeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>Stops the cluster (SIGTERM) and starts it again on the same data directory, as an operator restarting it would.</summary>
    public Task RestartAsync() => _cluster.RestartSupervisorAsync();

    public HttpClient Client(string? key) => _cluster.Client(key);

    public Task<CliResult> RunAsync(params string[] args) => _cluster.RunAsync(args);

    /// <summary>Removes reservation <paramref name="id"/> when disposed (if it is still there), so a test leaves no warm instances behind.</summary>
    public IAsyncDisposable Removing(long id) => new Removal(this, id);

    /// <summary>Creates a user account and returns a client holding a new key of it.</summary>
    public async Task<HttpClient> UserAsync(string name)
    {
        (await Admin.PostAsJsonAsync("/v1/accounts", new CreateAccountRequest(name, "user"), ApiJson.Options)).EnsureSuccessStatusCode();
        var key = await (await Admin.PostAsync(new Uri($"/v1/accounts/{name}/keys", UriKind.Relative), null)).Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options);
        return Client(key!.Key);
    }

    /// <summary>Pushes <paramref name="directory"/> as a build of <paramref name="algorithm"/> and publishes it public as <paramref name="version"/>.</summary>
    public async Task<string> PublishAsync(string algorithm, string directory, string version)
    {
        var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        {
            await TarFile.CreateFromDirectoryAsync(directory, gzip, includeBaseDirectory: false);
        }

        using var content = new ByteArrayContent(archive.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var pushed = await Admin.PostAsync(new Uri($"/v1/algorithms/{algorithm}/builds?source=content", UriKind.Relative), content);
        Assert.True(pushed.IsSuccessStatusCode, $"push of {algorithm}: {(int)pushed.StatusCode} {await pushed.Content.ReadAsStringAsync()}");
        var hash = (await pushed.Content.ReadFromJsonAsync<PushView>(ApiJson.Options))!.Hash;
        var published = await Admin.PostAsJsonAsync($"/v1/algorithms/{algorithm}/versions", new PublishRequest(hash, version, "public"), ApiJson.Options);
        Assert.True(published.IsSuccessStatusCode, $"publish of {algorithm} {version}: {await published.Content.ReadAsStringAsync()}");
        return hash;
    }

    /// <summary>Calls <paramref name="algorithm"/> with a JSON body and returns the reply's metadata and result.</summary>
    public static async Task<(bool ColdStart, string? Version, JsonElement Result)> CallAsync(HttpClient caller, string algorithm, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await caller.PostAsync(new Uri($"/v1/algo/{algorithm}", UriKind.Relative), content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"call of {algorithm}: {(int)response.StatusCode} {body}");
        var metadata = body.GetProperty("metadata");
        return (metadata.GetProperty("cold_start").GetBoolean(), metadata.GetProperty("version").GetString(), body.GetProperty("result").Clone());
    }

    public async Task<IReadOnlyList<InstanceItemView>> InstancesAsync(string account) =>
        [.. (await Admin.GetFromJsonAsync<InstanceListView>("/v1/instances", ApiJson.Options))!.Instances.Where(i => i.Account == account)];

    public async Task<ReservationView> ReservationAsync(long id) =>
        (await Admin.GetFromJsonAsync<ReservationView>($"/v1/admin/reservations/{id}", ApiJson.Options))!;

    /// <summary>Waits until the reservation's status is <paramref name="state"/> and returns it.</summary>
    public async Task<ReservationView> WaitForStateAsync(long id, string state, TimeSpan? bound = null)
    {
        ReservationView view = null!;
        await WaitUntilAsync($"reservation {id} to be {state}", async () =>
        {
            view = await ReservationAsync(id);
            return view.Status.State == state;
        }, bound, () => $"its status is {JsonSerializer.Serialize(view?.Status, ApiJson.Options)}");
        return view;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with the cluster's last output after a bound.</summary>
    public Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null, Func<string>? detail = null) =>
        Poll.UntilAsync(what, condition, bound, () => $"{(detail is null ? "" : detail() + "\n")}last output:\n{string.Join('\n', _cluster.Supervisor.Lines.TakeLast(20))}");

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}

/// <summary>Deletes a reservation at the end of a test; one already removed is fine.</summary>
internal sealed class Removal(ReservationCluster cluster, long id) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var response = await cluster.Admin.DeleteAsync(new Uri($"/v1/admin/reservations/{id}", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound, $"removing reservation {id}: {response.StatusCode}");
    }
}

/// <summary>The end-to-end and browser tests share one cluster and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ReservationClusterGroup : ICollectionFixture<ReservationCluster>
{
    public const string Name = "reservation cluster";
}
