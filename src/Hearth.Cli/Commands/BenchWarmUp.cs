using System.Diagnostics;
using System.Runtime;

namespace Hearth.Cli.Commands;

/// <summary>
/// Runs a benchmark's work until the runtime has finished optimizing its hot path: tiered compilation moves each
/// method through several tiers, slowly on a busy machine, and a measurement taken earlier counts the JIT's work as
/// the path's own. Done when a round compiled fewer than <see cref="QuietMethods"/> methods per second, after at
/// least <c>least</c>; at most 60 s.
/// </summary>
internal static class BenchWarmUp
{
    public const int QuietMethods = 10;

    private static readonly TimeSpan Most = TimeSpan.FromSeconds(60);

    /// <summary>Calls <paramref name="round"/> until the JIT is quiet; returns how long that took.</summary>
    public static async Task<TimeSpan> UntilQuietAsync(Func<Task> round, TimeSpan least)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var before = JitInfo.GetCompiledMethodCount();
            var roundStarted = Stopwatch.GetTimestamp();
            await round().ConfigureAwait(false);
            var perSecond = (JitInfo.GetCompiledMethodCount() - before) / Math.Max(0.001, Stopwatch.GetElapsedTime(roundStarted).TotalSeconds);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if ((elapsed >= least && perSecond < QuietMethods) || elapsed >= Most)
            {
                return elapsed;
            }
        }
    }
}
