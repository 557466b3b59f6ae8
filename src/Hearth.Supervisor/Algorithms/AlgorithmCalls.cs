using System.Diagnostics;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Calling an algorithm, from the request's key, path and body to the outcome: the key and the version resolve from
/// memory, the body becomes one request line, the warm pool runs it. Every refusal is a clear message with a 4xx
/// status; failures of the instance or the cluster are 5xx; nothing here answers 500. Preparing and running are apart
/// because <c>output=void</c> answers between them.
/// </summary>
internal sealed partial class AlgorithmCalls(
    AccountService accounts, AlgorithmCatalog catalog, InstancePool pool, InstanceKeys instanceKeys, ILogger<AlgorithmCalls> logger,
    IReservationHooks? reservations = null, Data.DataSessions? sessions = null)
{
    public const int MaxBodyBytes = 10 * 1024 * 1024;
    public const double DefaultTimeoutSeconds = 300;
    public const double MaxTimeoutSeconds = 3000;
    public const int RetryAfter = 1;

    /// <summary>
    /// Checks the key, the name, the version and the body; a refusal, or the call ready to run.
    /// <paramref name="wantsStdout"/> is honoured only for members of the owning account, as on Algorithmia.
    /// </summary>
    public async Task<(PreparedCall? Call, Refusal? Refusal)> PrepareAsync(
        string? authorization, string owner, string name, string? version, PayloadType type, ReadOnlyMemory<byte> body, bool wantsStdout,
        CancellationToken cancellationToken)
    {
        var key = ApiKeys.FromAuthorizationHeader(authorization);
        if (key is null)
        {
            return (null, string.IsNullOrWhiteSpace(authorization)
                ? Refusal.Unauthenticated("an API key is required: send the header \"Authorization: Simple KEY\" (or the bare key, as Algorithmia's clients do)")
                : Refusal.Unauthenticated("the Authorization header must be \"Simple KEY\", \"Bearer KEY\" or the bare key"));
        }

        var identity = await accounts.IdentifyAsync(key, cancellationToken).ConfigureAwait(false)
            ?? (instanceKeys.Identify(key, id => pool.StateOf(id) is not null) is { } scoped
                ? new KeyIdentity("instance", KeyRoles.Account, scoped.Account, scoped.AlgorithmOwner) : null);
        if (identity is null)
        {
            return (null, Refusal.Unauthenticated("the API key is not valid"));
        }

        if (identity.Account is not { } account || identity.Role != KeyRoles.Account)
        {
            return (null, Refusal.Forbidden($"{identity.Role} keys cannot call algorithms: instances belong to a calling account, so call with an account's key (hearth key create ACCOUNT)"));
        }

        if (!AlgorithmName.TryParse($"{owner}/{name}", out var algorithm, out var nameError))
        {
            return (null, Refusal.Invalid(nameError!));
        }

        if (!VersionReference.TryParse(version, out var reference, out var versionError))
        {
            return (null, Refusal.Invalid(versionError!));
        }

        if (type == PayloadType.Json && PipeProtocol.CheckJson(body.Span) is { } jsonError)
        {
            return (null, Refusal.Invalid(jsonError));
        }

        var entry = await catalog.FindAsync(algorithm, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, Refusal.NotFound($"algorithm {algorithm} not found"));
        }

        var caller = await accounts.CallerAsync(account, cancellationToken).ConfigureAwait(false);
        var own = caller;
        if (identity.AlgorithmOwner is { } algorithmOwner)
        {
            caller = caller.Within(await accounts.CallerAsync(algorithmOwner, cancellationToken).ConfigureAwait(false));
        }

        var resolution = VersionResolver.Resolve(entry.Entry, reference!, caller);
        if (resolution.Refusal is { } refusal)
        {
            return (null, caller == own || VersionResolver.Resolve(entry.Entry, reference!, own).Refusal is not null ? refusal : ScopeRefusal(refusal, caller));
        }

        var build = resolution.Build!;
        var record = entry.Builds[build.Hash];
        var template = new InstanceTemplate(algorithm, build.Hash, build.Version, build.Build.Manifest.Resources, build.Build.Manifest.Requirements);
        var launch = new InstanceLaunchInfo(build.Build.Manifest.Entrypoint, record.ArchiveSha256, pool.Settings.LoadTimeout);
        var request = PipeProtocol.EncodeRequest(type, body.Span);
        var alternatives = Alternatives(account, algorithm, reference!.Kind, build.Hash, entry.Entry);
        return (new PreparedCall(account, build, template, launch, request, alternatives, wantsStdout && caller.IsMemberOf(algorithm.Owner)), null);
    }

    /// <summary>What the caller alone could call, its instance key could not: the refusal says the scope rule refused it.</summary>
    private static Refusal ScopeRefusal(Refusal refusal, Caller scoped) => Refusal.Forbidden(
        $"refused by the instance key's scope: this key is held by an algorithm of {scoped.AlgorithmOwner} called by {scoped.Account}, and acts for "
        + $"{scoped.Account} only within what {scoped.AlgorithmOwner} may reach: public algorithms, and private ones only where {scoped.AlgorithmOwner} "
        + $"is a member too ({refusal.Message})");

    public async Task<CallOutcome> RunAsync(PreparedCall call, double timeoutSeconds, CancellationToken cancellationToken)
    {
        var outcome = await pool.CallAsync(call.Account, call.Template, call.Launch, call.Request, TimeSpan.FromSeconds(timeoutSeconds), call.Alternatives, call.CaptureStdout,
            cancellationToken).ConfigureAwait(false);
        if (sessions is not null && outcome.InstanceId is { } instance)
        {
            // What the call put in data://.session goes with it.
            await sessions.EndAsync(instance).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Runs an <c>output=void</c> call after its caller has had its answer: it is not cancelled with the request, and
    /// it counts in the metrics like any call. Its ending is logged under its request ID, the only place it shows.
    /// </summary>
    public void RunDetached(PreparedCall call, double timeoutSeconds, string requestId)
    {
        _ = Task.Run(async () =>
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["AlgorithmRequestId"] = requestId });
            var outcome = await RunAsync(call, timeoutSeconds, CancellationToken.None).ConfigureAwait(false);
            LogDetachedCallEnded(requestId, call.Build.Algorithm.ToString(), call.Account, outcome.Status.ToString(),
                Math.Round(outcome.Duration.TotalMilliseconds, 1), outcome.Message ?? "");
        });
    }

    /// <summary>Logs a call the platform could not complete (instance crash, timeout, no capacity) under its request ID.</summary>
    public void LogFailure(string requestId, PreparedCall call, CallOutcome outcome)
    {
        if (outcome.HttpStatus >= 500)
        {
            LogCallFailed(requestId, call.Build.Algorithm.ToString(), call.Account, outcome.Message ?? outcome.Status.ToString());
        }
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
            case "application/text":
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

    public static CallReply Refused(Refusal refusal, long started) => CallReplies.Refused(refusal, Stopwatch.GetElapsedTime(started));

    public static CallReply TooLarge(long started, long? length) => CallReplies.Failed(413,
        $"the request body is larger than the {MaxBodyBytes / (1024 * 1024)} MiB limit for calls" + (length is { } n ? $" ({n} bytes)" : ""),
        Stopwatch.GetElapsedTime(started));

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
                alternatives.Add(new InstanceTemplate(algorithm, other, entry.HighestVersionOf(other, publicOnly: false)?.Version, build.Manifest.Resources, build.Manifest.Requirements));
            }
        }

        return alternatives;
    }
}
