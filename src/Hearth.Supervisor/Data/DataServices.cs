using Hearth.Supervisor.Endpoints;
using Hearth.Supervisor.Objects;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Supervisor.Data;

/// <summary>The data API and the object store under it.</summary>
internal static class DataServices
{
    public static IServiceCollection AddData(this IServiceCollection services, IObjectStore objects, IStorageBackend backend)
    {
        services.AddSingleton(objects);
        services.AddSingleton(backend.Data);
        services.AddSingleton<DataService>();
        services.AddSingleton<DataIdentity>();
        services.AddSingleton<DataSessions>();
        return services;
    }

    public static IEndpointRouteBuilder MapData(this IEndpointRouteBuilder app) => app.MapDataEndpoints();
}
