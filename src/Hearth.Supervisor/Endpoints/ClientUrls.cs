using Hearth.Core.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// A path or query value holding a NUL, a lone surrogate or a control character (all of which URL escapes can carry)
/// is refused with 400 naming where, before routing: no account, algorithm, job or data path has such a name, and
/// none may reach the store or a terminal through an error message.
/// </summary>
internal static class ClientUrls
{
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Problem(context.Request) is { } problem)
        {
            // The data API answers in Algorithmia's shape, which its clients read; everything else with ProblemDetails.
            if (context.Request.Path.StartsWithSegments("/v1/data") || context.Request.Path.StartsWithSegments("/v1/connector/data"))
            {
                await DataReplies.ErrorAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            }
            else
            {
                await Problems.BadRequest(problem).ExecuteAsync(context).ConfigureAwait(false);
            }

            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static string? Problem(HttpRequest request)
    {
        if (ClientText.Problem(request.Path.Value) is { } path)
        {
            return $"the path {path}";
        }

        if (!request.QueryString.HasValue)
        {
            return null;
        }

        foreach (var (name, values) in request.Query)
        {
            if (ClientText.Problem(name) is { } key)
            {
                return $"a query parameter's name {key}";
            }

            foreach (var value in values)
            {
                if (ClientText.Problem(value) is { } why)
                {
                    return $"query parameter {name} {why}";
                }
            }
        }

        return null;
    }
}
