using System.Buffers;
using System.Diagnostics;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// <c>POST /v1/algo/OWNER/NAME[/VERSION]</c>: call an algorithm with <c>Authorization: Simple KEY</c> (or the bare key,
/// as Algorithmia's clients send it), with Algorithmia's <c>output=raw|void</c> and <c>stdout=true</c>. The reply is
/// written directly (the result bytes are copied, not re-serialized); the key is checked here, from memory, rather
/// than by the authentication middleware, because this is the path whose latency matters.
/// </summary>
internal static class CallEndpoints
{
    /// <summary>Every call's reply names its request ID here; the logs of the call carry the same ID.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    public static IEndpointRouteBuilder MapCallEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/algo/{owner}/{name}/{version?}", CallAsync).AllowAnonymous().WithMetadata(ChecksItsOwnKey.Instance).WithTags("Calls")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Call an algorithm: JSON, text or bytes up to 10 MiB; ?timeout=SECONDS (default 300, at most 3000), ?output=raw|void, ?stdout=true");
        return app;
    }

    private static async Task CallAsync(HttpContext context, string owner, string name, string? version, AlgorithmCalls calls, ILogger<AlgorithmCalls> logger)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var requestId = "req-" + Guid.NewGuid().ToString("D");
        context.Response.Headers[RequestIdHeader] = requestId;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["AlgorithmRequestId"] = requestId });
        var reply = await AnswerAsync(context, owner, name, version, calls, requestId, started).ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = reply.Status;
        response.ContentType = reply.ContentType;
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

    private static async Task<CallReply> AnswerAsync(
        HttpContext context, string owner, string name, string? version, AlgorithmCalls calls, string requestId, long started)
    {
        var request = context.Request;
        if (AlgorithmCalls.ParseTimeout(request.Query["timeout"].FirstOrDefault(), out var timeout) is { } timeoutError)
        {
            return AlgorithmCalls.Refused(Refusal.Invalid(timeoutError), started);
        }

        if (ParseOutput(request.Query["output"].FirstOrDefault(), out var output) is { } outputError)
        {
            return AlgorithmCalls.Refused(Refusal.Invalid(outputError), started);
        }

        if (ParseFlag(request.Query["stdout"].FirstOrDefault(), out var stdout) is { } stdoutError)
        {
            return AlgorithmCalls.Refused(Refusal.Invalid(stdoutError), started);
        }

        if (request.ContentLength > AlgorithmCalls.MaxBodyBytes)
        {
            return AlgorithmCalls.TooLarge(started, request.ContentLength);
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is not { } bytes)
        {
            return AlgorithmCalls.TooLarge(started, null);
        }

        var type = AlgorithmCalls.TypeOf(request.ContentType, bytes.Span);
        var (call, refusal) = await calls.PrepareAsync(request.Headers.Authorization.ToString(), owner, name, version, type, bytes, stdout, context.RequestAborted)
            .ConfigureAwait(false);
        if (call is null)
        {
            return AlgorithmCalls.Refused(refusal!, started);
        }

        if (output == CallOutput.Void)
        {
            calls.RunDetached(call, timeout, requestId);
            return CallReplies.Void(requestId);
        }

        var outcome = await calls.RunAsync(call, timeout, context.RequestAborted).ConfigureAwait(false);
        calls.LogFailure(requestId, call, outcome);
        return output == CallOutput.Raw ? CallReplies.Raw(outcome, call.Build) : CallReplies.Json(outcome, call.Build, call.CaptureStdout);
    }

    private static string? ParseOutput(string? text, out CallOutput output)
    {
        output = text switch
        {
            null or "" or "default" => CallOutput.Default,
            "raw" => CallOutput.Raw,
            "void" => CallOutput.Void,
            _ => (CallOutput)(-1),
        };
        return Enum.IsDefined(output) ? null : $"output \"{text}\" is not known; use raw (the bare result) or void (answer at once, run in the background)";
    }

    /// <summary>Algorithmia's Python client sends Python's spelling, <c>True</c>/<c>False</c>, so case does not matter.</summary>
    private static string? ParseFlag(string? text, out bool value)
    {
        value = false;
        if (text is null || text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0")
        {
            return null;
        }

        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1")
        {
            value = true;
            return null;
        }

        return $"stdout \"{text}\" must be true or false";
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
