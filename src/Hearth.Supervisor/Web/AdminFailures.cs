using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hearth.Supervisor.Web;

/// <summary>
/// What the admin pages make of a failure: an action that is refused is shown on its page with the reason, and
/// whatever reaches this filter (a page the store could not answer, a refusal an action did not expect) is shown
/// inside the admin frame with a 4xx or 503 status, never as a bare 500. It is the pages' own, whatever the API's
/// exception handling does.
/// </summary>
internal static class AdminFailures
{
    /// <summary>Why <paramref name="e"/> happened in words a person can act on, or null for a fault that is a bug.</summary>
    public static string? Why(Exception e) => e switch
    {
        RefusedException r => r.Refusal.Message,
        InvalidRequestException or JobRetryRefusedException or JobChangeRefusedException or FarmRequestException
            or FarmTargetNotFoundException or PriorityNotAllowedException or WorkerRemovalRefusedException or FieldTooLargeException => e.Message,
        StorageUnavailableException => e.Message,
        Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException => $"the database could not answer: {e.Message}",
        OperationCanceledException => "the supervisor is stopping",
        _ => null,
    };

    /// <summary>Runs <paramref name="act"/>; null when it worked, else why it did not.</summary>
    public static async Task<string?> TryAsync(Func<Task> act)
    {
        ArgumentNullException.ThrowIfNull(act);
        try
        {
            await act().ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (Why(e) is not null)
        {
            return Why(e);
        }
    }

    /// <summary>The endpoint filter of the whole admin area.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (Why(e) is { } why && !context.HttpContext.Response.HasStarted)
        {
            var status = e switch
            {
                RefusedException { Refusal.Kind: RefusalKind.NotFound } or FarmTargetNotFoundException => StatusCodes.Status404NotFound,
                RefusedException { Refusal.Kind: RefusalKind.Conflict } or JobRetryRefusedException or JobChangeRefusedException => StatusCodes.Status409Conflict,
                StorageUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or OperationCanceledException
                    => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            };
            return Page(why, status);
        }
    }

    /// <summary>The admin frame with <paramref name="why"/>, answered with <paramref name="status"/>.</summary>
    public static RazorComponentResult<AdminFailurePage> Page(string why, int status) =>
        new(new { Why = why }) { StatusCode = status };
}
