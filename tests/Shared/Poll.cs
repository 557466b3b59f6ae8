using System.Diagnostics;

namespace Hearth.Testing;

/// <summary>The one way tests wait on something outside their control: a bounded poll that fails saying what it waited for.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Checks <paramref name="condition"/> until it holds; after <paramref name="bound"/> fails with
    /// <paramref name="what"/> and, when given, the last <paramref name="state"/> seen.
    /// </summary>
    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null, Func<string>? state = null)
    {
        var limit = bound ?? DefaultBound;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Xunit.Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}{(state is null ? "" : $"\n{state()}")}");
            }

            await Task.Delay(Interval, Xunit.TestContext.Current.CancellationToken);
        }
    }

    public static Task UntilAsync(string what, Func<bool> condition, TimeSpan? bound = null, Func<string>? state = null) =>
        UntilAsync(what, () => Task.FromResult(condition()), bound, state);
}
