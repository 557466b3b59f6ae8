using System.Buffers;
using System.Text.Json;
using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The bodies a call answers with, in Algorithmia's shapes: <c>{"result", "metadata"}</c>; an algorithm's error at
/// 200 as <c>{"error": {"message", "error_type", "stacktrace"}, "metadata"}</c>; a platform failure with its 4xx/5xx
/// and <c>{"error": {"message"}}</c>; the bare result for <c>output=raw</c>; <c>{"async", "request_id"}</c> for
/// <c>output=void</c>. Results are copied as the algorithm wrote them, never re-serialized.
/// </summary>
internal static class CallReplies
{
    public static CallReply Refused(Refusal refusal, TimeSpan duration) => Failed(refusal.StatusCode, refusal.Message, duration);

    public static CallReply Failed(int status, string message, TimeSpan duration) =>
        new(status, Write(null, new PipeError(message), duration, false, null, null, null));

    /// <summary>The JSON reply; <paramref name="withStdout"/> adds <c>metadata.stdout</c>, even when nothing was printed.</summary>
    public static CallReply Json(CallOutcome outcome, ResolvedBuild build, bool withStdout = false)
    {
        var result = outcome.Response as PipeResult;
        var error = result is null ? outcome.Response as PipeError ?? new PipeError(outcome.Message ?? "the call failed") : null;
        if (outcome.Status != CallStatus.AlgorithmError && error is not null)
        {
            // The algorithm's own error fields belong only to its own errors; a platform failure says what happened.
            error = new PipeError(outcome.Message ?? error.Message);
        }

        var served = outcome.Served is { } s && s.Hash != build.Hash ? (s.Version, s.Hash) : (build.Version, build.Hash);
        return new CallReply(outcome.HttpStatus, Write(result, error, outcome.Duration, outcome.ColdStart, served, withStdout ? outcome.Stdout ?? "" : null, outcome.Breakdown))
        {
            RetryAfterSeconds = RetryAfter(outcome),
        };
    }

    /// <summary>
    /// No capacity came free within the call's timeout, or the supervisor or the worker is going away: the same call
    /// may well succeed a moment later, so the refusal says when to try again.
    /// </summary>
    public static int? RetryAfter(CallOutcome outcome) =>
        outcome.Status is CallStatus.NoCapacity or CallStatus.Unavailable ? AlgorithmCalls.RetryAfter : null;

    /// <summary>
    /// <c>output=raw</c>: the result alone, text as UTF-8, JSON as written, binary as its bytes; an algorithm's error is a
    /// 400 (what Algorithmia's clients expect there) with the JSON error body.
    /// </summary>
    public static CallReply Raw(CallOutcome outcome, ResolvedBuild build)
    {
        if (outcome.Response is not PipeResult result)
        {
            var reply = Json(outcome, build);
            return outcome.Status == CallStatus.AlgorithmError ? reply with { Status = 400 } : reply;
        }

        switch (result.ContentType)
        {
            case PayloadType.Text:
                var reader = new Utf8JsonReader(result.Result.Span);
                reader.Read();
                return new CallReply(200, System.Text.Encoding.UTF8.GetBytes(reader.GetString()!), "text/plain; charset=utf-8");
            case PayloadType.Binary:
                var bytes = new Utf8JsonReader(result.Result.Span);
                bytes.Read();
                return new CallReply(200, bytes.GetBytesFromBase64(), "application/octet-stream");
            default:
                return new CallReply(200, result.Result.ToArray());
        }
    }

    public static CallReply Void(string requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("async"u8, "void");
            json.WriteString("request_id"u8, requestId);
            json.WriteEndObject();
        }

        return new CallReply(200, buffer.WrittenSpan.ToArray());
    }

    private static byte[] Write(
        PipeResult? result, PipeError? error, TimeSpan duration, bool coldStart, (SemanticVersion? Version, string Hash)? build, string? stdout,
        ColdStartBreakdown? breakdown)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (result?.Result.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            if (result is not null)
            {
                json.WritePropertyName("result"u8);
                json.WriteRawValue(result.Result.Span, skipInputValidation: true);
            }
            else
            {
                json.WriteStartObject("error"u8);
                json.WriteString("message"u8, error!.Message);
                if (error.ErrorType is { } type)
                {
                    json.WriteString("error_type"u8, type);
                }

                if (error.Stacktrace is { } stacktrace)
                {
                    json.WriteString("stacktrace"u8, stacktrace);
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("metadata"u8);
            if (result is not null)
            {
                json.WriteString("content_type"u8, PipeProtocol.Name(result.ContentType));
            }
            else
            {
                json.WriteNull("content_type"u8);
            }

            json.WriteNumber("duration"u8, Math.Round(duration.TotalSeconds, 6));
            json.WriteBoolean("cold_start"u8, coldStart);
            breakdown?.WriteTo(json, "cold_start_steps"u8);
            if (build?.Version is { } v)
            {
                json.WriteString("version"u8, v.ToString());
            }
            else
            {
                json.WriteNull("version"u8);
            }

            if (build is { } b)
            {
                json.WriteString("hash"u8, b.Hash);
            }
            else
            {
                json.WriteNull("hash"u8);
            }

            if (stdout is not null)
            {
                json.WriteString("stdout"u8, stdout);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
