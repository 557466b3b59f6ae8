using System.Globalization;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// A request that needed the store while it was in trouble gets 503 with the reason (507 when its disk is full),
/// never a 500, and a <c>Retry-After</c>: the request may succeed when the store is back, and <c>/readyz</c> says the
/// same meanwhile.
/// </summary>
internal sealed class StoreExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (StoreErrors.Classify(exception) is not { } trouble)
        {
            return false;
        }

        var status = trouble.Full ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.StatusCode = status;
        httpContext.Response.Headers.RetryAfter = ((int)trouble.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = trouble.Full ? "Insufficient storage" : "Unavailable", Detail = trouble.Message },
        }).ConfigureAwait(false);
    }
}
