using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// Every request that does not bind answers ProblemDetails that say what is wrong in plain words: a body
/// that is not the JSON expected (400, naming the JSON path and type), a body that is not JSON at all (415),
/// a query value that does not parse (400, naming the parameter). One place for every endpoint.
/// </summary>
internal sealed class BindingExceptionHandler(IProblemDetailsService problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IExceptionHandler
{
    public static void AddTo(IServiceCollection services)
    {
        // Binding failures are thrown to this handler instead of answering a bare 400 with no reason.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        // A misspelt field would otherwise be dropped in silence and its default used; refusing it names the typo.
        // Only the supervisor reads this way: clients keep accepting fields a newer supervisor adds to its answers.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);

        // No string with a NUL, a lone surrogate or a stray control character gets past the body.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new ClientTextConverter()));

        services.AddExceptionHandler<BindingExceptionHandler>();
    }

    /// <summary>
    /// Content-type routing answers a JSON endpoint's body sent without Content-Type: application/json with
    /// 404, as if the path did not exist. Every API body is JSON except a call's input and a build archive,
    /// so any other body that is not JSON is refused here with 415 and the content type to send.
    /// </summary>
    public static void UseJsonBodies(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        var takesJson = request.Path.StartsWithSegments("/v1", StringComparison.Ordinal)
            && !request.Path.StartsWithSegments("/v1/algo", StringComparison.Ordinal)
            // The data API stores raw bodies, and reads its JSON ones whatever type Algorithmia's clients give them.
            && !request.Path.StartsWithSegments("/v1/data", StringComparison.Ordinal)
            && !request.Path.StartsWithSegments("/v1/connector/data", StringComparison.Ordinal)
            && !request.Path.Value!.EndsWith("/builds", StringComparison.Ordinal);
        if (hasBody && takesJson && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            && !request.HasJsonContentType())
        {
            await BindingProblems.UnsupportedMediaType(request.ContentType).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (status, detail) = bad switch
        {
            { InnerException: JsonException e } => (StatusCodes.Status400BadRequest, BindingProblems.Describe(e, BodyType(httpContext), json.Value.SerializerOptions)),
            { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (bad.StatusCode, BindingProblems.UnsupportedMediaTypeDetail(httpContext.Request.ContentType)),
            _ when BindingProblems.DescribeParameter(bad.Message) is { } parameter => (StatusCodes.Status400BadRequest, parameter),
            _ => (bad.StatusCode, bad.Message),
        };
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail },
        }).ConfigureAwait(false);
    }

    /// <summary>Reads a JSON body by hand, with the same answers as bound bodies get.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadJsonAsync<T>(HttpRequest request, string example)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, BindingProblems.UnsupportedMediaType(request.ContentType));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await request.ReadFromJsonAsync<T>(options, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Problems.BadRequest($"the body must be a JSON object, e.g. {example}")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest(BindingProblems.Describe(e, typeof(T), options)));
        }
    }

    // The exception handler clears the endpoint before handlers run; its feature keeps the one that threw.
    private static Type? BodyType(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
}
