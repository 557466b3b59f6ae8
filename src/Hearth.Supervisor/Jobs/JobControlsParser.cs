using System.Globalization;
using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Jobs;

/// <summary>Validates a submission's retries, retry delay and dependencies; errors name the field and the limit.</summary>
internal static class JobControlsParser
{
    public const int MaxRetries = 100;
    public const int MaxDependencies = 1000;
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    public static JobControls Parse(SubmitJobRequest request)
    {
        var retries = request.Retries ?? 0;
        if (retries is < 0 or > MaxRetries)
        {
            throw new InvalidRequestException($"retries {retries} is out of range: 0 to {MaxRetries}");
        }

        var delay = request.RetryDelay is { } text ? ParseDelay(text) : TimeSpan.Zero;
        var waitFor = request.WaitFor ?? [];
        if (waitFor.Count > MaxDependencies)
        {
            throw new InvalidRequestException($"wait_for names {waitFor.Count} jobs; at most {MaxDependencies}");
        }

        if (waitFor.Any(id => id < 1))
        {
            throw new InvalidRequestException($"wait_for: {waitFor.First(id => id < 1)} is not a job ID");
        }

        return new JobControls(retries, delay, [.. waitFor.Distinct().Order()]);
    }

    /// <summary><c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c> or plain seconds; 0 for none.</summary>
    public static TimeSpan ParseDelay(string text)
    {
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        var scale = 1.0;
        foreach (var (suffix, seconds) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                t = t[..^suffix.Length];
                scale = seconds;
                break;
            }
        }

        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            throw new InvalidRequestException($"retry_delay \"{text}\" is not valid: use a number with ms, s, m or h, e.g. 30s");
        }

        var delay = TimeSpan.FromSeconds(value * scale);
        if (delay > MaxRetryDelay)
        {
            throw new InvalidRequestException($"retry_delay \"{text}\" is too long: at most {MaxRetryDelay.TotalHours:0} hours");
        }

        return delay;
    }
}
