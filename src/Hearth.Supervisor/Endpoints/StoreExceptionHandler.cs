using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// A request that needed the store while it was unreachable gets 503 with the reason (never a 500): the
/// request may succeed when the store is back, and <c>/readyz</c> says the same meanwhile.
/// </summary>
internal sealed class StoreExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var detail = exception switch
        {
            StorageUnavailableException e => e.Message,
            Npgsql.NpgsqlException e when e is not Npgsql.PostgresException || e.IsTransient => $"the database is unreachable: {e.Message}",
            Microsoft.Data.Sqlite.SqliteException e when e.SqliteErrorCode is SqliteBusy or SqliteLocked => $"the database is busy: {e.Message}",
            _ => null,
        };
        if (detail is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "Unavailable", Detail = detail },
        }).ConfigureAwait(false);
    }
}
