using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor;

/// <summary>
/// Drops the host's "Hosting failed to start" entry and nothing else. <see cref="SupervisorHost.StartAsync"/>
/// rethrows that very exception to its caller, which reports it in one line (a port in use, say); logging it
/// as well put a multi-kilobyte stack trace in front of that line. Every other entry passes through.
/// </summary>
internal sealed class StartFailureLogFilter(ILoggerProvider inner) : ILoggerProvider
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The event ID Microsoft.Extensions.Hosting logs "Hosting failed to start" with.</summary>
    private const int HostingFailedToStart = 11;

    /// <summary>Wraps every logger provider registered so far.</summary>
    public static void Apply(ILoggingBuilder logging)
    {
        var providers = logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)).ToList();
        foreach (var descriptor in providers)
        {
            logging.Services.Remove(descriptor);
            logging.Services.AddSingleton<ILoggerProvider>(sp => new StartFailureLogFilter(Create(sp, descriptor)));
        }
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostCategory ? new Filtered(logger) : logger;
    }

    public void Dispose() => inner.Dispose();

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) => (ILoggerProvider)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != HostingFailedToStart)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
