using System.Net;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Data;
using Hearth.Supervisor.Endpoints;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Web;
using Hearth.Supervisor.Workers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor;

/// <summary>
/// A running supervisor: storage migrated, keys bootstrapped, the scheduling loop started and Kestrel
/// listening on the API port (HTTP/1.1) and the worker port (HTTP/2, gRPC).
/// </summary>
public sealed partial class SupervisorHost : IAsyncDisposable
{
    public const string Version = "0.1.0";

    private readonly WebApplication _app;
    private readonly StoreStartup _store;

    private SupervisorHost(WebApplication app, StoreStartup store, Uri url, Uri workerUrl, BootstrapKeys keys)
    {
        _app = app;
        _store = store;
        Url = url;
        WorkerUrl = workerUrl;
        Keys = keys;
    }

    /// <summary>The REST API and web pages.</summary>
    public Uri Url { get; }

    /// <summary>The worker stream's endpoint (workers find it through <c>/v1/cluster/info</c>).</summary>
    public Uri WorkerUrl { get; }

    public BootstrapKeys Keys { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Completes when the host stops, e.g. after a fatal scheduling failure.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static async Task<SupervisorHost> StartAsync(SupervisorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var globals = ParseGlobals(options.GlobalResources);
        if (options.HeartbeatTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"heartbeat timeout must be positive, not {options.HeartbeatTimeout}");
        }

        var objects = Objects.ObjectStoreLocation.Parse(options.Objects, options.ObjectsEndpoint, options.DataDirectory);
        var address = ParseAddress(options.BindAddress);
        var certificate = SupervisorTls.Load(options.TlsCertificate, options.TlsKey);
        StandbyHost? standby = null;
        StoreStartup store;
        try
        {
            store = await StoreStartup.OpenAsync(options, async holder =>
            {
                standby = await StandbyHost.StartAsync(
                    address, options.Port, options.WorkerPort ?? (options.Port == 0 ? 0 : options.Port + 1), certificate, holder, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (standby is not null)
            {
                await standby.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        if (standby is not null)
        {
            // The ports the standby held (picked, if they were 0), so clients and workers find this one where they were told.
            options = options with { Port = standby.ApiPort, WorkerPort = standby.WorkerPort };
        }

        var (backend, keys) = (store.Backend, store.Keys);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SupervisorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        ConfigureLogging(builder.Logging, options.Verbose, options.JsonLogs);
        ListenOptions? api = null, workers = null;
        var workerPort = options.WorkerPort ?? (options.Port == 0 ? 0 : options.Port + 1);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port, o =>
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
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });

        ConfigureServices(builder.Services, options, backend, globals);
        builder.Services.AddData(objects.Open(), backend);
        var app = builder.Build();
        ConfigurePipeline(app);
        try
        {
            if (standby is not null)
            {
                // As late as possible: the ports are closed only between this and the start below.
                await standby.DisposeAsync().ConfigureAwait(false);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var endpoints = app.Services.GetRequiredService<SupervisorEndpoints>();
        endpoints.ApiPort = api!.IPEndPoint!.Port;
        endpoints.WorkerPort = workers!.IPEndPoint!.Port;
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : address.ToString();
        var uriHost = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && host != "127.0.0.1" ? $"[{host}]" : host;
        var scheme = certificate is null ? "http" : "https";
        var started = new SupervisorHost(
            app, store, new Uri($"{scheme}://{uriHost}:{endpoints.ApiPort}"), new Uri($"{scheme}://{uriHost}:{endpoints.WorkerPort}"), keys);
        started.LogStarted(Version, started.Url, started.WorkerUrl, backend.Name);
        store.Claim.Lost.Register(() =>
        {
            started.LogClaimLost();
            app.Lifetime.StopApplication();
        });
        return started;
    }

    private ILogger Logger => _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hearth.Supervisor");

    /// <summary>A graceful stop: streams to workers end (they keep their processes), the loop finishes its queued work and last commit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        LogStopping();
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        LogStopped();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    private static void ConfigureServices(IServiceCollection services, SupervisorOptions options, IStorageBackend backend, IReadOnlyDictionary<ResourceName, int> globals)
    {
        services.AddSingleton(options.Time);
        services.AddSingleton(backend);
        services.AddSingleton(backend.Scheduler);
        services.AddSingleton(backend.Jobs);
        services.AddSingleton(backend.Frames);
        services.AddSingleton<FrameService>();
        services.AddSingleton<IKeyStore>(new CachedKeyStore(backend.Keys, options.Time));
        services.AddSingleton(new SchedulerSettings(options.HeartbeatTimeout, globals) { KillGrace = options.KillGrace, MaxRequeues = options.MaxRequeues });
        services.AddSingleton<JobWaiters>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        services.AddSingleton<JobService>();
        services.AddSingleton<SupervisorEndpoints>();
        services.AddAlgorithms(options, backend);
        services.AddReservations(backend);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreExceptionHandler>();
        BindingExceptionHandler.AddTo(services);
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddHealthProbes();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Hearth supervisor API";
            document.Info.Version = Version;
            document.Info.Description = "Jobs with Qube!-style reservations on a pool of workers. Authenticate with \"Authorization: Simple KEY\".";
            return Task.CompletedTask;
        }));
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = Hearth.Protocol.StreamLimits.MaxMessageBytes;
            o.EnableDetailedErrors = true;
        });
        services.AddAuthentication(HearthAuth.KeyScheme)
            .AddScheme<AuthenticationSchemeOptions, KeyAuthenticationHandler>(HearthAuth.KeyScheme, null)
            .AddCookie(HearthAuth.CookieScheme, o =>
            {
                o.LoginPath = AdminPages.LoginPath;
                o.LogoutPath = AdminPages.LogoutPath;
                o.AccessDeniedPath = AdminPages.LoginPath;
                o.Cookie.Name = "hearth_admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(HearthAuth.ApiPolicy, p => p.AddAuthenticationSchemes(HearthAuth.KeyScheme).RequireRole(KeyRoles.Admin, KeyRoles.Account))
            .AddPolicy(HearthAuth.AdminPolicy, p => p.AddAuthenticationSchemes(HearthAuth.KeyScheme).RequireRole(KeyRoles.Admin))
            .AddPolicy(HearthAuth.WorkerPolicy, p => p.AddAuthenticationSchemes(HearthAuth.KeyScheme).RequireRole(KeyRoles.Admin, KeyRoles.Worker))
            .AddPolicy(HearthAuth.AdminPagePolicy, p => p.AddAuthenticationSchemes(HearthAuth.CookieScheme).RequireRole(KeyRoles.Admin));
        // Sign-in cookies survive a restart: their keys live beside the database.
        var cookieKeys = Path.Combine(options.DataDirectory, "cookie-keys");
        PrivateFiles.CreateDirectory(cookieKeys);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(cookieKeys))
            .SetApplicationName("hearth-supervisor");
        services.AddAntiforgery();
        services.AddRazorComponents();
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        ClientUrls.Use(app);
        BindingExceptionHandler.UseJsonBodies(app);
        // A call checks its own key, from memory: it goes straight to its endpoint, past authentication and
        // authorization, whose per-request work is a measurable share of a warm call. It stays inside the exception
        // handler. The two stay in the pipeline at this level for every other endpoint; WebApplication would otherwise
        // add its own authentication ahead of the exception handler.
        app.Use((context, next) => context.GetEndpoint() is { RequestDelegate: { } call } endpoint && endpoint.Metadata.GetMetadata<ChecksItsOwnKey>() is not null
            ? call(context)
            : next(context));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapAuditEndpoints();
        app.MapJobEndpoints();
        app.MapFrameEndpoints();
        app.MapClusterEndpoints();
        app.MapFarmEndpoints();
        app.MapAlgorithms();
        app.MapReservations();
        app.MapData();
        app.MapAdminPages();
        app.MapGrpcService<WorkerGatewayService>();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, bool verbose, bool json)
    {
        logging.ClearProviders();
        SupervisorLogging.AddConsole(logging, json);
        StartFailureLogFilter.Apply(logging);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Hearth", verbose ? LogLevel.Information : LogLevel.Warning);
        // A worker dropping its connection is routine; the scheduler logs what matters about it.
        logging.AddFilter("Grpc", LogLevel.Error);
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        // The cookie keys are protected by the data directory's file permissions, which it warns about at every start.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    }

    private static IReadOnlyDictionary<ResourceName, int> ParseGlobals(string? text)
    {
        try
        {
            return ResourceTotals.Parse(text, ResourceScope.Global);
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new ArgumentException($"invalid global resources: {e.Message}", e);
        }
    }

    private static void UseTls(ListenOptions listen, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        if (certificate is not null)
        {
            listen.UseHttps(certificate);
        }
    }

    private static IPAddress ParseAddress(string text) =>
        text is "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(text, out var address) ? address
        : throw new ArgumentException($"bind address \"{text}\" is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
}
