using System.Net;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;
using Hearth.Worker.Builds;

namespace Hearth.Worker;

/// <summary>
/// The supervisor's HTTP API as the worker uses it: finding the worker stream (and recognising a URL that is not
/// the API) and fetching builds from the supervisor the worker is connected to.
/// </summary>
internal sealed class SupervisorApi : IBuildSource, IDisposable
{
    private readonly HttpClient _http;
    private volatile Uri _active;

    public SupervisorApi(WorkerOptions options)
    {
        _active = options.Supervisor;
        _http = new HttpClient(SupervisorTrust.CreateHandler(options.TlsCaFile)) { BaseAddress = options.Supervisor, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Simple", options.ApiKey);
    }

    /// <summary>The supervisor whose stream endpoint was resolved last: the one the worker is, or is about to be, connected to.</summary>
    public Uri Active => _active;

    /// <summary>The supervisor's worker stream, found through its API; <paramref name="supervisor"/> becomes the active one.</summary>
    public async Task<Uri> ResolveStreamEndpointAsync(Uri supervisor, CancellationToken stop)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri(supervisor, "v1/cluster/info"), stop).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.SecureConnectionError)
        {
            await ThrowIfWorkerPortAsync(supervisor, stop).ConfigureAwait(false);
            throw;
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new WorkerRefusedException($"the supervisor at {supervisor} refused this worker's key (HTTP {(int)response.StatusCode}); use the worker key from its data directory (worker.key) or the admin key");
            }

            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                await ThrowIfWorkerPortAsync(supervisor, stop).ConfigureAwait(false);
            }

            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                throw new IOException($"the supervisor at {supervisor} is not taking workers (HTTP 503: a standby, or stopping)");
            }

            response.EnsureSuccessStatusCode();
            var info = await response.Content.ReadFromJsonAsync<ClusterInfoView>(ApiJson.Options, stop).ConfigureAwait(false)
                ?? throw new IOException("the supervisor sent no cluster info");
            _active = supervisor;
            return new UriBuilder(supervisor) { Port = info.WorkerPort, Path = "/" }.Uri;
        }
    }

    /// <summary>Builds come from the supervisor's build store, with this worker's key and the grant sent with the start.</summary>
    public async Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_active, $"v1/builds/{hash}"));
        if (grant is not null)
        {
            request.Headers.Add("Hearth-Build-Grant", grant);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            throw new IOException($"the supervisor answered HTTP {status} for build {hash}{detail}");
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The supervisor's worker port speaks only HTTP/2, so the API's HTTP/1.1 request fails there with a bare
    /// 400 or a protocol error. When an HTTP/2 request to the same URL is answered, the URL is that port: a
    /// configuration mistake that retrying cannot fix, so the worker stops and names the URL to use instead.
    /// </summary>
    private async Task ThrowIfWorkerPortAsync(Uri supervisor, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(supervisor, "v1/cluster/info"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        HttpResponseMessage probe;
        try
        {
            probe = await _http.SendAsync(request, stop).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return;
        }

        using (probe)
        {
            var info = probe.IsSuccessStatusCode ? await ReadInfoAsync(probe, stop).ConfigureAwait(false) : null;
            var api = info is { ApiPort: > 0 } ? new UriBuilder(supervisor) { Port = info.ApiPort, Path = "/" }.Uri.ToString().TrimEnd('/') : null;
            throw new WorkerMisdirectedException(
                $"{supervisor.ToString().TrimEnd('/')} is the supervisor's worker port (gRPC over HTTP/2), not its API: "
                + (api is null
                    ? "give --supervisor the supervisor's API URL (its --port, the port before the worker port by default)"
                    : $"use --supervisor {api}"));
        }
    }

    private static async Task<ClusterInfoView?> ReadInfoAsync(HttpResponseMessage response, CancellationToken stop)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ClusterInfoView>(ApiJson.Options, stop).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>": DETAIL" from a problem+json answer, so a refusal says why; empty for anything else.</summary>
    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text ? $": {text}" : "";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or HttpRequestException or InvalidOperationException)
        {
            return "";
        }
    }
}
