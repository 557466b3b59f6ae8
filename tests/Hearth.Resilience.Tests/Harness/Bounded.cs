using System.Diagnostics;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>Waits on real processes, always with a bound and a message that says what was awaited.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails with <paramref name="what"/> and the last state after the bound.</summary>
    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null, Func<string>? state = null)
    {
        var limit = bound ?? Default;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}{(state is null ? "" : $"\n{state()}")}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
