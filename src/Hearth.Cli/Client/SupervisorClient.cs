using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Cli.Commands;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Client;

/// <summary>
/// The one HTTP client every client command uses. It finds the supervisor through <c>HEARTH_URL</c>
/// (default <c>http://127.0.0.1:7070</c>), authenticates with <c>HEARTH_API_KEY</c>, and turns every failure
/// into a <see cref="CliException"/> whose message is one clear line.
/// </summary>
internal sealed class SupervisorClient : IDisposable
{
    public const string UrlVariable = "HEARTH_URL";
    public const string KeyVariable = "HEARTH_API_KEY";
    public const string DefaultUrl = "http://127.0.0.1:7070";

    /// <summary>A PEM CA certificate to trust for an https:// supervisor signed by a private CA.</summary>
    public const string CaFileVariable = "HEARTH_CA_FILE";

    private readonly HttpClient _http;
    private readonly bool _hasKey;

    public SupervisorClient(Uri baseUrl, string? apiKey, TimeSpan? timeout = null)
    {
        BaseUrl = baseUrl;
        _hasKey = !string.IsNullOrWhiteSpace(apiKey);
        var handler = Hearth.Worker.SupervisorTrust.CreateHandler(Environment.GetEnvironmentVariable(CaFileVariable) is { Length: > 0 } ca ? ca : null);
        handler.ConnectTimeout = TimeSpan.FromSeconds(5);
        _http = new HttpClient(handler)
        {
            BaseAddress = baseUrl,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        if (_hasKey)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", apiKey!.Trim());
        }
    }

    public Uri BaseUrl { get; }

    public static SupervisorClient FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(UrlVariable);
        text = string.IsNullOrWhiteSpace(text) ? DefaultUrl : text.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"{UrlVariable}=\"{text}\" is not an http:// or https:// URL", ExitCodes.InvalidInput);
        }

        return new SupervisorClient(url, Environment.GetEnvironmentVariable(KeyVariable));
    }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = body is null ? null : JsonContent.Create(body, options: ApiJson.Options) }, cancellationToken);

    public Task<T> PutAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Put, Relative(path)) { Content = JsonContent.Create(body, options: ApiJson.Options) }, cancellationToken);

    public Task<T> PatchAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Patch, Relative(path)) { Content = JsonContent.Create(body, options: ApiJson.Options) }, cancellationToken);

    /// <summary>Deletes a resource whose answer describes what was deleted.</summary>
    public Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Delete, Relative(path)), cancellationToken);

    /// <summary>Deletes a resource; the answer carries no body.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Relative(path));
        using var response = await RawSendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies a plain-text resource to <paramref name="output"/> as it arrives, for output of any length.</summary>
    public async Task CopyAsync(string path, Stream output, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        using var response = await RawSendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await RawSendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new CliException($"the supervisor at {BaseUrl} sent an empty answer to {request.RequestUri}");
            }
            catch (JsonException e)
            {
                throw new CliException($"the supervisor at {BaseUrl} sent an answer that is not the expected JSON: {e.Message}");
            }
        }
    }

    private async Task<HttpResponseMessage> RawSendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is SocketException s ? s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "unknown host",
                _ => s.Message,
            } : e.Message;
            throw new CliException($"cannot reach the supervisor at {BaseUrl}: {why} (is it running? {UrlVariable} sets where to look)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the supervisor at {BaseUrl} did not answer within {_http.Timeout.TotalSeconds:0} seconds");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when !_hasKey =>
                new CliException($"no API key: set {KeyVariable} (the admin key is in the supervisor's data directory, admin.key)"),
            HttpStatusCode.Unauthorized =>
                new CliException($"the supervisor at {BaseUrl} refused the API key in {KeyVariable}: {detail ?? "not valid"}"),
            HttpStatusCode.Forbidden =>
                new CliException($"the supervisor refused the API key in {KeyVariable}: {detail ?? "forbidden"}"),
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => new CliException(detail ?? "the supervisor refused the request", ExitCodes.InvalidInput),
            HttpStatusCode.NotFound or HttpStatusCode.Conflict => new CliException(detail ?? $"not found: {response.RequestMessage?.RequestUri}"),
            _ => new CliException($"the supervisor at {BaseUrl} answered HTTP {(int)response.StatusCode}{(detail is null ? "" : ": " + detail)}"),
        };
    }

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("detail", out var detail) || root.TryGetProperty("title", out detail))
                && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A client from the environment with its own timeout, for calls that may legitimately take long.</summary>
    public static SupervisorClient FromEnvironment(TimeSpan timeout)
    {
        using var probe = FromEnvironment();
        return new SupervisorClient(probe.BaseUrl, Environment.GetEnvironmentVariable(KeyVariable), timeout);
    }

    /// <summary>Posts a file as the body and reads a JSON answer; failures become one-line errors as elsewhere.</summary>
    public async Task<T> UploadAsync<T>(string path, Stream content, string contentType, CancellationToken cancellationToken)
    {
        using var body = new StreamContent(content, 1 << 16);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = body };

        // The supervisor checks the key, the owner and membership before it reads a byte: a refused push of a
        // large build is answered before the build is sent.
        request.Headers.ExpectContinue = true;
        using var response = await RawSendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        try
        {
            return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<T>(response.Content, ApiJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new CliException($"the supervisor at {BaseUrl} sent an empty answer to {path}");
        }
        catch (JsonException e)
        {
            throw new CliException($"the supervisor at {BaseUrl} sent an answer that is not the expected JSON: {e.Message}");
        }
    }

    /// <summary>Sends a call and returns its status and body as they are; only failing to reach the supervisor throws.</summary>
    public async Task<(int Status, byte[] Body)> CallAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = content };
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the supervisor at {BaseUrl}: {e.InnerException?.Message ?? e.Message} (is it running? {UrlVariable} sets where to look)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the supervisor at {BaseUrl} did not answer within {_http.Timeout.TotalSeconds:0} seconds");
        }
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    public void Dispose() => _http.Dispose();
}
