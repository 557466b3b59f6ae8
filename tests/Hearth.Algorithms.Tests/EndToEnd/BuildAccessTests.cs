using System.Net;
using System.Text.Json;
using Hearth.Algorithms.Tests.Worker;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>The worker key opens a build only while its worker is asked to start an instance of it.</summary>
public sealed class BuildAccessTests
{
    [Fact]
    public async Task TheWorkerKeyAloneIsRefusedEveryBuildWhileTheWorkerStillFetchesTheOneItStarts()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        using var alice = cluster.Client(await cluster.KeyAsync("alice"));
        var echo = await cluster.PushAsync(Paths.Example("echo"), "acme/echo");
        var other = await cluster.PushAsync(Paths.Fixtures, "acme/fixture");
        await cluster.PublishAsync("acme/echo", echo, "1.0.0", isPublic: true);
        using var workerKey = cluster.Client(cluster.Host.Keys.WorkerKey!);

        await AssertRefusedAsync(workerKey, echo, grant: null);
        await AssertRefusedAsync(workerKey, echo, grant: new string('0', 48));

        var call = await TestCluster.CallAsync(alice, "acme/echo", """{"n": 1}""");
        Assert.True(call.Status == 200, call.Body.ToString());
        Assert.True(call.ColdStart);

        // The instance is ready: its grant is spent, and there never was one for the other build.
        await AssertRefusedAsync(workerKey, echo, grant: null);
        await AssertRefusedAsync(workerKey, other, grant: null);
        using var admin = await cluster.Admin.GetAsync(new Uri($"/v1/builds/{other}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string hash, string? grant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/builds/{hash}", UriKind.Relative));
        if (grant is not null)
        {
            request.Headers.Add("Hearth-Build-Grant", grant);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
        Assert.Equal(
            $"a worker key may fetch only the build of an instance its worker is asked to start, with the grant sent for it in the Hearth-Build-Grant header; there is no such grant for build {hash}",
            JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }
}
