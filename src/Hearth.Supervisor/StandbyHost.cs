using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor;

/// <summary>
/// A standby supervisor's two ports while another supervisor holds the store: <c>/healthz</c> answers 200 (the
/// process is fine), <c>/readyz</c> and everything else 503 "standby", so load balancers and workers pass it by
/// until it takes the store over. The ports stay the same when it does.
/// </summary>
internal sealed class StandbyHost : IAsyncDisposable
{
    private const string RetryAfterSeconds = "2";

    private readonly WebApplication _app;

    private StandbyHost(WebApplication app, int apiPort, int workerPort)
    {
        _app = app;
        ApiPort = apiPort;
        WorkerPort = workerPort;
    }

    public int ApiPort { get; }

    public int WorkerPort { get; }

    public static async Task<StandbyHost> StartAsync(
        IPAddress address, int port, int workerPort, X509Certificate2? certificate, string holder, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(StandbyHost).Assembly.GetName().Name, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        ListenOptions? api = null, workers = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port, o =>
            {
                o.Protocols = HttpProtocols.Http1;
                UseTls(o, certificate);
                api = o;
            });
            kestrel.Listen(address, workerPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                UseTls(o, certificate);
                workers = o;
            });
        });
        var app = builder.Build();
        var detail = $"standby: another supervisor holds the store ({holder}); this one takes over when it lets go";
        app.MapGet("/healthz", () => Write(StatusCodes.Status200OK, new HealthView("ok", new Dictionary<string, HealthCheckView>())));
        app.MapGet("/readyz", () => Write(
            StatusCodes.Status503ServiceUnavailable,
            new HealthView("unavailable", new Dictionary<string, HealthCheckView> { ["standby"] = new("failing", detail) })));
        app.MapFallback(() => Write(
            StatusCodes.Status503ServiceUnavailable,
            new ProblemView("standby", StatusCodes.Status503ServiceUnavailable, detail)));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new StandbyHost(app, api!.IPEndPoint!.Port, workers!.IPEndPoint!.Port);
    }

    private static StandbyResult<T> Write<T>(int status, T body) => new(status, body);

    private static void UseTls(ListenOptions listen, X509Certificate2? certificate)
    {
        if (certificate is not null)
        {
            listen.UseHttps(certificate);
        }
    }

    /// <summary>Lets go of the ports, for the supervisor taking over to bind them.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A problem-details body (RFC 9457) without the ProblemDetails services the standby does not load.</summary>
    private sealed record ProblemView(string Title, int Status, string Detail);

    private sealed class StandbyResult<T>(int status, T body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            }

            httpContext.Response.ContentType = body is ProblemView ? "application/problem+json" : "application/json";
            return JsonSerializer.SerializeAsync(httpContext.Response.Body, body, ApiJson.Options, httpContext.RequestAborted);
        }
    }
}
