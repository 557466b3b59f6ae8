using System.Globalization;
using System.Text;
using Hearth.Algorithms.Tests.Worker;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>Far more callers than instances, with short timeouts, on real processes.</summary>
public sealed class OverloadTests
{
    private const int Instances = 4;
    private const int Callers = 48;
    private const int CallsEach = 4;

    [Fact]
    public async Task AnOverloadBurstIsRefusedWithRetryAfterAndStopsNoInstance()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(resources: $"host.processors={Instances},host.memory=4000");
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        var hash = await cluster.PushAsync(Paths.Fixtures, "acme/fixture");
        await cluster.PublishAsync("acme/fixture", hash, "1.0.0", isPublic: true);
        var alice = cluster.Client(await cluster.KeyAsync("alice"));

        // Calls that find every instance busy start more, up to the room for four.
        await Task.WhenAll(Enumerable.Range(0, 2 * Instances).Select(_ => TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:1\"")));
        var before = await cluster.WaitForInstancesAsync(list => list.Count == Instances && list.All(i => i.State == "idle"), "four idle instances");

        // The build's recent calls are the short ones of the burst.
        await Task.WhenAll(Enumerable.Range(0, Instances).Select(async _ =>
        {
            for (var i = 0; i < 8; i++)
            {
                Assert.Equal(200, (await TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:0.05\"")).Status);
            }
        }));

        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            var mine = new List<(int Status, string? RetryAfter)>();
            for (var i = 0; i < CallsEach; i++)
            {
                mine.Add(await CallAsync(alice, "\"sleep:0.05\"", timeout: 0.5));
            }

            return mine;
        }));
        var all = answers.SelectMany(a => a).ToList();

        Assert.Contains(all, a => a.Status == 200);
        Assert.Contains(all, a => a.Status == 503);
        Assert.All(all.Where(a => a.Status == 503), a => Assert.Equal("1", a.RetryAfter));
        Assert.All(all, a => Assert.True(a.Status is 200 or 503 or 504, $"status {a.Status}"));
        var after = await cluster.WaitForInstancesAsync(list => list.All(i => i.State == "idle"), "the instances to finish the burst");
        Assert.Equal(before.Select(i => i.Id).Order(), after.Select(i => i.Id).Order());
    }

    private static async Task<(int Status, string? RetryAfter)> CallAsync(HttpClient client, string json, double timeout)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(
            $"/v1/algo/acme/fixture?timeout={timeout.ToString(CultureInfo.InvariantCulture)}", content, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString());
    }
}
