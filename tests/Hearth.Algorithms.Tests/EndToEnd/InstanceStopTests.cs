using System.Net;
using System.Net.Http.Json;
using Hearth.Algorithms.Tests.Worker;
using Hearth.Protocol.Rest;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>An admin stops one instance: a stuck load, an idle one, never a busy one.</summary>
public sealed class InstanceStopTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInstanceStuckLoadingIsStoppedByTheAdminAndItsWaitingCallFailsAtOnce()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        var stuck = Path.Combine(cluster.Root, "stuck");
        Directory.CreateDirectory(stuck);
        File.Copy(Path.Combine(Paths.Fixtures, "behaving.py"), Path.Combine(stuck, "behaving.py"));
        await File.WriteAllTextAsync(Path.Combine(stuck, "hearth.json"),
            """{"entrypoint": ["python3", "behaving.py", "hold", "--never-ready"], "reservations": "host.processors=1"}""", Token);
        await cluster.PublishAsync("acme/stuck", await cluster.PushAsync(stuck, "acme/stuck"), "0.1.0", isPublic: true);
        var alice = cluster.Client(await cluster.KeyAsync("alice"));

        var call = TestCluster.CallAsync(alice, "acme/stuck", "1", timeout: 120);
        var starting = await cluster.WaitForInstancesAsync(list => list is [{ State: "starting", Worker: not null }], "the instance to be loading on the worker");

        using var refused = await alice.DeleteAsync(new Uri($"/v1/instances/{starting[0].Id}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var stopped = await cluster.Admin.DeleteAsync(new Uri($"/v1/instances/{starting[0].Id}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.Accepted, stopped.StatusCode);
        var view = await stopped.Content.ReadFromJsonAsync<InstanceItemView>(ApiJson.Options, Token);
        Assert.Equal((starting[0].Id, "stopping"), (view!.Id, view.State));

        var failed = await call.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(502, failed.Status);
        Assert.StartsWith("no instance of acme/stuck could be started", failed.Error, StringComparison.Ordinal);
        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the stopped instance to be gone");
        Assert.Equal(0, cluster.InstancesOnWorkers);
        await cluster.WaitForNothingInUseAsync("the stopped instance's resources to be released");
    }

    [Fact]
    public async Task ABusyInstanceIsRefusedAndAnIdleOneStops()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        await cluster.PublishAsync("acme/fixture", await cluster.PushAsync(Paths.Fixtures, "acme/fixture"), "1.0.0", isPublic: true);
        var alice = cluster.Client(await cluster.KeyAsync("alice"));
        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"warm-up\"")).ColdStart);
        var id = Assert.Single(await cluster.InstancesAsync()).Id;

        var busy = TestCluster.CallAsync(alice, "acme/fixture", "\"sleep:3\"");
        await cluster.WaitForInstancesAsync(list => list is [{ State: "busy" }], "the instance to be busy");
        using var conflict = await cluster.Admin.DeleteAsync(new Uri($"/v1/instances/{id}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains($"instance {id} is serving a call", await conflict.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(200, (await busy).Status);

        using var stopped = await cluster.Admin.DeleteAsync(new Uri($"/v1/instances/{id}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.Accepted, stopped.StatusCode);
        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the stopped instance to be gone");
        Assert.True((await TestCluster.CallAsync(alice, "acme/fixture", "\"again\"")).ColdStart);

        using var unknown = await cluster.Admin.DeleteAsync(new Uri("/v1/instances/i-000000000000", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("instance i-000000000000 not found", await unknown.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }
}
