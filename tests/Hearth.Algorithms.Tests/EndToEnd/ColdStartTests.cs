using Hearth.Algorithms.Tests.Worker;
using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// The call that paid for a cold start is told where the time went, step by step, as the worker measured it on a real
/// instance; a warm call is not.
/// </summary>
public sealed class ColdStartTests
{
    private static readonly string[] Steps = ["fetch", "unpack", "sandbox", "start", "load"];

    [Theory]
    [InlineData(SandboxMode.Required)]
    [InlineData(SandboxMode.Off)]
    public async Task TheColdStartedCallReportsFetchUnpackSandboxStartAndLoad(SandboxMode sandbox)
    {
        await using var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = sandbox });
        await cluster.AccountAsync("acme");
        var hash = await cluster.PushAsync(Paths.Fixtures, "acme/fixture");
        await cluster.PublishAsync("acme/fixture", hash, "1.0.0", isPublic: true);
        var acme = cluster.Client(await cluster.KeyAsync("acme"));

        var cold = await TestCluster.CallAsync(acme, "acme/fixture", "\"cold\"");
        Assert.True(cold.Status == 200 && cold.ColdStart, cold.Body.GetRawText());
        var breakdown = cold.Metadata.GetProperty("cold_start_steps");
        Assert.Equal([.. Steps, "total"], breakdown.EnumerateObject().Select(p => p.Name));
        var seconds = Steps.ToDictionary(s => s, s => breakdown.GetProperty(s).GetDouble());
        var total = breakdown.GetProperty("total").GetDouble();
        Assert.All(seconds, s => Assert.True(s.Value >= 0, $"{s.Key} is {s.Value} s"));
        Assert.True(seconds.Values.Sum() <= total + 1e-6, $"the steps add up to {seconds.Values.Sum()} s, more than the total {total} s");
        Assert.True(total <= cold.Metadata.GetProperty("duration").GetDouble(), $"the cold start ({total} s) is longer than the call that waited for it");

        // The build was not cached: it was fetched and unpacked; the fixture's Python took time to load.
        Assert.True(seconds["fetch"] > 0 && seconds["unpack"] > 0 && seconds["start"] > 0 && seconds["load"] > 0, breakdown.GetRawText());
        if (sandbox == SandboxMode.Off)
        {
            Assert.Equal(0, seconds["sandbox"]);
        }
        else
        {
            Assert.True(seconds["sandbox"] > 0, breakdown.GetRawText());
        }

        var warm = await TestCluster.CallAsync(acme, "acme/fixture", "\"warm\"");
        Assert.False(warm.ColdStart);
        Assert.False(warm.Metadata.TryGetProperty("cold_start_steps", out _), warm.Body.GetRawText());
    }
}
