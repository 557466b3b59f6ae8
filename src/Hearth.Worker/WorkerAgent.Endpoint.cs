using System.Net;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Worker;

/// <summary>Finding the worker stream through the supervisor's API, and recognising a URL that is not that API.</summary>
public sealed partial class WorkerAgent
{
    private async Task<Uri> ResolveStreamEndpointAsync(Uri supervisor, CancellationToken stop)
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
            return new UriBuilder(supervisor) { Port = info.WorkerPort, Path = "/" }.Uri;
        }
    }

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
}
