using System.Net.Http.Headers;
using System.Text.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Client;

/// <summary>Uploads (build archives) and raw calls, whose replies are printed whatever their status.</summary>
internal sealed partial class SupervisorClient
{
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
}
