using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// The one place a service's refusal becomes an HTTP answer: endpoints let the domain's exceptions through, and
/// each maps onto a status and ProblemDetails whose detail is the exception's own message. A command that meets
/// a stopping supervisor (its inbox closed) answers 503, since the same request succeeds once one is back.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const string Stopping = "the supervisor is stopping";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Answer(exception) is not var (status, detail))
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // Both a loop starting over and a supervisor handing over to its standby are over in seconds.
            httpContext.Response.Headers.RetryAfter = "2";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail },
        }).ConfigureAwait(false);
    }

    /// <summary>The status and detail for a domain exception, or null for one that is not the domain's.</summary>
    public static (int Status, string Detail)? Answer(Exception exception) => exception switch
    {
        InvalidRequestException or FarmRequestException => (StatusCodes.Status400BadRequest, exception.Message),
        FieldTooLargeException => (StatusCodes.Status413PayloadTooLarge, exception.Message),
        FarmTargetNotFoundException => (StatusCodes.Status404NotFound, exception.Message),
        JobChangeRefusedException or JobRetryRefusedException or WorkerRemovalRefusedException or FrameActionRefusedException => (StatusCodes.Status409Conflict, exception.Message),
        RefusedException e => (StatusOf(e.Refusal.Kind), e.Refusal.Message),
        // Input that got past the checks at the edge, stopped by the store's own before anything of it was written.
        UnstorableValueException => (StatusCodes.Status400BadRequest, $"a value of the request cannot be stored: {exception.Message}"),
        // A loop that starts over from the store says so; only a closed inbox means the supervisor is stopping.
        OperationCanceledException { InnerException: not null } => (StatusCodes.Status503ServiceUnavailable, exception.Message),
        OperationCanceledException => (StatusCodes.Status503ServiceUnavailable, Stopping),
        _ => null,
    };

    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status403Forbidden,
    };
}
