using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;
using Hearth.Testing;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>The supervisor's REST API as an admin sees it, typed with the API's own contracts.</summary>
internal sealed class SupervisorApi : IDisposable
{
    private readonly Func<HttpClient> _admin;
    private readonly Func<HttpClient> _anonymousClient;
    private readonly bool _owned;

    /// <summary>Over clients of its own, e.g. for a second supervisor or another key.</summary>
    public SupervisorApi(Uri url, string adminKey, string? authority = null)
    {
        var admin = Create(url, adminKey, authority);
        var anonymous = Create(url, null, authority);
        (_admin, _anonymousClient, _owned, Url) = (() => admin, () => anonymous, true, url);
    }

    /// <summary>Over a cluster's admin and anonymous clients, which the cluster owns.</summary>
    public SupervisorApi(TestCluster cluster) => (_admin, _anonymousClient, _owned, Url) = (() => cluster.Admin, () => cluster.Anonymous, false, cluster.Url);

    public Uri Url { get; }

    private HttpClient Http => _admin();

    private HttpClient AnonymousHttp => _anonymousClient();

    private static HttpClient Create(Uri url, string? key, string? authority)
    {
        var http = new HttpClient(Hearth.Worker.SupervisorTrust.CreateHandler(authority)) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        }

        return http;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async Task<long> SubmitAsync(SubmitJobRequest request)
    {
        using var response = await Http.PostAsJsonAsync("v1/jobs", request, ApiJson.Options, Cancel);
        await EnsureAsync(response, $"submit {string.Join(' ', request.Command ?? [])}");
        return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Cancel))!.Id;
    }

    public Task<JobView> JobAsync(long id) => GetAsync<JobView>($"v1/jobs/{id}");

    public async Task<IReadOnlyList<JobView>> AllJobsAsync()
    {
        var list = await GetAsync<JobListView>("v1/jobs?limit=10000");
        var jobs = new List<JobView>();
        foreach (var summary in list.Jobs.OrderBy(j => j.Id))
        {
            jobs.Add(await JobAsync(summary.Id));
        }

        return jobs;
    }

    public Task<JobLogsView> LogsAsync(long id) => GetAsync<JobLogsView>($"v1/jobs/{id}/logs");

    public async Task KillAsync(long id)
    {
        using var response = await Http.PostAsync(new Uri($"v1/jobs/{id}/kill", UriKind.Relative), null, Cancel);
        await EnsureAsync(response, $"kill {id}");
    }

    public Task<InstanceListView> InstancesAsync() => GetAsync<InstanceListView>("v1/instances");

    public Task<ReservationListView> ReservationsAsync() => GetAsync<ReservationListView>("v1/admin/reservations");

    public Task<AccountListView> AccountsAsync() => GetAsync<AccountListView>("v1/accounts");

    public Task<AlgorithmVersionsView> VersionsAsync(string algorithm) => GetAsync<AlgorithmVersionsView>($"v1/algorithms/{algorithm}/versions");

    public async Task<ReservationView> AddReservationAsync(string callingUser, string algorithm, string versionType, int count)
    {
        using var response = await Http.PostAsJsonAsync(
            "v1/admin/reservations", new { calling_user = callingUser, algorithm, version_type = versionType, count }, Cancel);
        await EnsureAsync(response, $"add a reservation of {algorithm} for {callingUser}");
        return (await response.Content.ReadFromJsonAsync<ReservationView>(ApiJson.Options, Cancel))!;
    }

    /// <summary>Calls an algorithm with <paramref name="key"/>; the reply must be a success. Returns its JSON.</summary>
    public async Task<System.Text.Json.JsonElement> CallAsync(string key, string algorithm, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/algo/{algorithm}?timeout=60", UriKind.Relative))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Simple", key);
        using var response = await Http.SendAsync(request, Cancel);
        await EnsureAsync(response, $"call {algorithm}");
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Cancel)).Clone();
    }

    public Task<ResourcesView> ResourcesAsync() => GetAsync<ResourcesView>("v1/resources");

    public Task<WorkerListView> WorkersAsync() => GetAsync<WorkerListView>("v1/workers");

    public Task<LedgerAuditView> AuditAsync() => GetAsync<LedgerAuditView>("v1/resources/audit");

    /// <summary>The readiness probe's status code and answer; a refused connection is (0, null).</summary>
    public async Task<(HttpStatusCode Status, HealthView? Body)> ReadyAsync()
    {
        try
        {
            // As a load balancer asks: without a key, so the answer never depends on looking one up.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("readyz", UriKind.Relative));
            using var response = await AnonymousHttp.SendAsync(request, Cancel);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<HealthView>(ApiJson.Options, Cancel));
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
    }

    public async Task<string> WorkerStateAsync(string name) =>
        (await WorkersAsync()).Workers.FirstOrDefault(w => w.Name == name)?.State ?? "absent";

    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        await EnsureAsync(response, $"GET {path}");
        return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, Cancel))!;
    }

    public async Task<HttpResponseMessage> RawGetAsync(string path) => await Http.GetAsync(new Uri(path, UriKind.Relative), Cancel);

    public async Task<HttpResponseMessage> RawDeleteAsync(string path) => await Http.DeleteAsync(new Uri(path, UriKind.Relative), Cancel);

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{what}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        }
    }

    public void Dispose()
    {
        if (_owned)
        {
            Http.Dispose();
            AnonymousHttp.Dispose();
        }
    }
}
