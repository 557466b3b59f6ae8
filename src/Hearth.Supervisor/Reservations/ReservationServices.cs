using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Endpoints;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hearth.Supervisor.Reservations;

/// <summary>Reservations in the supervisor: the book, the rules' catalog, the loop's reconciliation, the admin API and page.</summary>
internal static class ReservationServices
{
    public static IServiceCollection AddReservations(this IServiceCollection services, IStorageBackend backend)
    {
        services.AddSingleton(backend.Reservations);
        services.AddSingleton<ReservationBook>();
        services.AddSingleton<IReservationHooks>(sp => sp.GetRequiredService<ReservationBook>());
        services.AddSingleton<ReservationCatalogSource>();
        services.AddSingleton<IReservationCatalogSource>(sp => sp.GetRequiredService<ReservationCatalogSource>());
        services.AddSingleton<ReservationInputs>();
        services.AddSingleton<ReservationService>();
        services.AddSingleton<ReservationReconciliation>();
        services.AddSingleton<IReservationWork>(sp => sp.GetRequiredService<ReservationReconciliation>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ReservationReconciliation>());
        return services;
    }

    public static IEndpointRouteBuilder MapReservations(this IEndpointRouteBuilder app)
    {
        app.MapReservationEndpoints();
        app.MapReservationPages();
        return app;
    }
}
