using System.Buffers;
using System.Diagnostics;
using Hearth.Supervisor.Algorithms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// <c>POST /v1/algo/OWNER/NAME[/VERSION]</c>: call an algorithm with <c>Authorization: Simple KEY</c>. The reply is
/// written directly (the result bytes are copied, not re-serialized); the key is checked here, from memory, rather
/// than by the authentication middleware, because this is the path whose latency matters.
/// </summary>
internal static class CallEndpoints
{
    public static IEndpointRouteBuilder MapCallEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/algo/{owner}/{name}/{version?}", CallAsync).AllowAnonymous().WithTags("Calls")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Call an algorithm: JSON, text or bytes up to 10 MiB; ?timeout=SECONDS (default 300, at most 3000)");
        return app;
    }

    private static async Task CallAsync(HttpContext context, string owner, string name, string? version, AlgorithmCalls calls)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        CallReply reply;
        if (AlgorithmCalls.ParseTimeout(request.Query["timeout"].FirstOrDefault(), out var timeout) is { } timeoutError)
        {
            reply = AlgorithmCalls.Refused(Hearth.Core.Algorithms.Refusal.Invalid(timeoutError), started);
        }
        else if (request.ContentLength > AlgorithmCalls.MaxBodyBytes)
        {
            reply = AlgorithmCalls.TooLarge(started, request.ContentLength);
        }
        else
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (body is not { } bytes)
            {
                reply = AlgorithmCalls.TooLarge(started, null);
            }
            else
            {
                var type = AlgorithmCalls.TypeOf(request.ContentType, bytes.Span);
                reply = await calls.CallAsync(request.Headers.Authorization.ToString(), owner, name, version, type, bytes, timeout, context.RequestAborted)
                    .ConfigureAwait(false);
            }
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        response.ContentType = "application/json";
        response.ContentLength = reply.Body.Length;
        if (reply.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (reply.Status == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of an oversized body is not read; the connection cannot be reused after it.
            response.Headers.Connection = "close";
        }

        await response.Body.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The body, or null when it is longer than the limit (reading stops just past it).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // This endpoint enforces its own, smaller limit, with its own answer.
            limit.MaxRequestBodySize = null;
        }

        var stream = context.Request.Body;
        if (context.Request.ContentLength is { } length)
        {
            // The server holds the body to its declared length, so exactly that much is read into exactly that much.
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var read = await stream.ReadAsync(body.AsMemory(filled), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return body.AsMemory(0, filled);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await stream.ReadAsync(buffer.GetMemory(4096), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > AlgorithmCalls.MaxBodyBytes)
            {
                return null;
            }
        }
    }
}
