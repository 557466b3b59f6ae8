using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A call's answer, ready to write: the status, the JSON body, and when a refused caller may try again.</summary>
internal sealed record CallReply(int Status, byte[] Body)
{
    /// <summary>Seconds for a <c>Retry-After</c> header; set on the 503s a caller can simply retry.</summary>
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>
/// Calling an algorithm, from the request's key, path and body to the reply's status and JSON: the key and the
/// version resolve from memory, the body becomes one request line, the warm pool runs it. Every refusal is a clear
/// message with a 4xx status; failures of the instance or the cluster are 5xx; nothing here answers 500.
/// </summary>
internal sealed class AlgorithmCalls(AccountService accounts, AlgorithmCatalog catalog, InstancePool pool, IReservationHooks? reservations = null)
{
    public const int MaxBodyBytes = 10 * 1024 * 1024;
    public const double DefaultTimeoutSeconds = 300;
    public const double MaxTimeoutSeconds = 3000;
    public const int RetryAfter = 1;

    public async Task<CallReply> CallAsync(
        string? authorization, string owner, string name, string? version, PayloadType type, ReadOnlyMemory<byte> body, double timeoutSeconds,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var key = ApiKeys.FromAuthorizationHeader(authorization);
        if (key is null)
        {
            return Refused(string.IsNullOrWhiteSpace(authorization)
                ? Refusal.Unauthenticated("an API key is required: send the header \"Authorization: Simple KEY\"")
                : Refusal.Unauthenticated("the Authorization header must be \"Simple KEY\""), started);
        }

        var identity = await accounts.IdentifyAsync(key, cancellationToken).ConfigureAwait(false);
        if (identity is null)
        {
            return Refused(Refusal.Unauthenticated("the API key is not valid"), started);
        }

        if (identity.Account is not { } account || identity.Role != KeyRoles.Account)
        {
            return Refused(Refusal.Forbidden($"{identity.Role} keys cannot call algorithms: instances belong to a calling account, so call with an account's key (hearth key create ACCOUNT)"), started);
        }

        if (!AlgorithmName.TryParse($"{owner}/{name}", out var algorithm, out var nameError))
        {
            return Refused(Refusal.Invalid(nameError!), started);
        }

        if (!VersionReference.TryParse(version, out var reference, out var versionError))
        {
            return Refused(Refusal.Invalid(versionError!), started);
        }

        if (type == PayloadType.Json && PipeProtocol.CheckJson(body.Span) is { } jsonError)
        {
            return Refused(Refusal.Invalid(jsonError), started);
        }

        var entry = await catalog.FindAsync(algorithm, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return Refused(Refusal.NotFound($"algorithm {algorithm} not found"), started);
        }

        var caller = await accounts.CallerAsync(account, cancellationToken).ConfigureAwait(false);
        var resolution = VersionResolver.Resolve(entry.Entry, reference!, caller);
        if (resolution.Refusal is { } refusal)
        {
            return Refused(refusal, started);
        }

        var build = resolution.Build!;
        var record = entry.Builds[build.Hash];
        var template = new InstanceTemplate(algorithm, build.Hash, build.Version, build.Build.Manifest.Reservations);
        var launch = new InstanceLaunchInfo(build.Build.Manifest.Entrypoint, record.ArchiveSha256, pool.Settings.LoadTimeout);
        var request = PipeProtocol.EncodeRequest(type, body.Span);
        var alternatives = Alternatives(account, algorithm, reference!.Kind, build.Hash, entry.Entry);
        var outcome = await pool.CallAsync(account, template, launch, request, TimeSpan.FromSeconds(timeoutSeconds), alternatives, cancellationToken)
            .ConfigureAwait(false);
        return Reply(outcome, build);
    }

    /// <summary>Maps a request's Content-Type onto the pipe's payload types; bodies with none or a form type are sniffed.</summary>
    public static PayloadType TypeOf(string? contentType, ReadOnlySpan<byte> body)
    {
        var media = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        switch (media)
        {
            case "application/json":
            case not null when media.EndsWith("+json", StringComparison.Ordinal):
                return PayloadType.Json;
            case not null when media.StartsWith("text/", StringComparison.Ordinal):
                return PayloadType.Text;
            case null or "" or "application/x-www-form-urlencoded":
                return PipeProtocol.CheckJson(body) is null ? PayloadType.Json
                    : System.Text.Unicode.Utf8.IsValid(body) ? PayloadType.Text : PayloadType.Binary;
            default:
                return PayloadType.Binary;
        }
    }

    /// <summary>Null when <paramref name="text"/> is a timeout in seconds within bounds, else why not.</summary>
    public static string? ParseTimeout(string? text, out double seconds)
    {
        seconds = DefaultTimeoutSeconds;
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out seconds)
            || seconds <= 0 || seconds > MaxTimeoutSeconds)
        {
            return $"timeout \"{text}\" must be a number of seconds greater than 0 and at most {MaxTimeoutSeconds}";
        }

        return null;
    }

    public static CallReply Refused(Refusal refusal, long started) =>
        new(refusal.StatusCode, Write(null, refusal.Message, null, Stopwatch.GetElapsedTime(started), false, null));

    public static CallReply TooLarge(long started, long? length) => new(413, Write(null,
        $"the request body is larger than the {MaxBodyBytes / (1024 * 1024)} MiB limit for calls" + (length is { } n ? $" ({n} bytes)" : ""),
        null, Stopwatch.GetElapsedTime(started), false, null));

    /// <summary>Previous builds a rolling reservation of the account keeps warm for calls that follow this reference.</summary>
    private List<InstanceTemplate> Alternatives(string account, AlgorithmName algorithm, VersionReferenceKind reference, string hash, AlgorithmEntry entry)
    {
        if (reservations is null)
        {
            return [];
        }

        var alternatives = new List<InstanceTemplate>();
        foreach (var other in reservations.Candidates(account, algorithm, reference, hash).Skip(1))
        {
            if (entry.FindBuild(other) is { } build)
            {
                alternatives.Add(new InstanceTemplate(algorithm, other, entry.HighestVersionOf(other, publicOnly: false)?.Version, build.Manifest.Reservations));
            }
        }

        return alternatives;
    }

    private static CallReply Reply(CallOutcome outcome, ResolvedBuild build)
    {
        var result = outcome.Response as PipeResult;
        var message = result is null ? outcome.Message ?? "the call failed" : null;
        var served = outcome.Served is { } s && s.Hash != build.Hash ? (s.Version, s.Hash) : (build.Version, build.Hash);
        return new CallReply(outcome.HttpStatus, Write(result, message, result?.ContentType, outcome.Duration, outcome.ColdStart, served))
        {
            // No capacity came free within the call's timeout, or the supervisor or the worker is going away: the same
            // call may well succeed a moment later.
            RetryAfterSeconds = outcome.Status is CallStatus.NoCapacity or CallStatus.Unavailable ? RetryAfter : null,
        };
    }

    /// <summary>
    /// <c>{"result": ..., "metadata": {...}}</c> or <c>{"error": {"message": ...}, "metadata": {...}}</c>. The result is
    /// copied as the algorithm wrote it, never re-serialized.
    /// </summary>
    private static byte[] Write(
        PipeResult? result, string? error, PayloadType? type, TimeSpan duration, bool coldStart, (SemanticVersion? Version, string Hash)? build)
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
                json.WriteString("message"u8, error);
                json.WriteEndObject();
            }

            json.WriteStartObject("metadata"u8);
            if (type is { } t)
            {
                json.WriteString("content_type"u8, PipeProtocol.Name(t));
            }
            else
            {
                json.WriteNull("content_type"u8);
            }

            json.WriteNumber("duration"u8, Math.Round(duration.TotalSeconds, 6));
            json.WriteBoolean("cold_start"u8, coldStart);
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

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
