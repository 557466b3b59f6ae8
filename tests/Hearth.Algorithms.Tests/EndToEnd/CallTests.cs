using System.Text;
using Hearth.Algorithms.Tests.Worker;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>Calls through a real supervisor and worker to real instance processes.</summary>
public sealed class CallTests
{
    /// <summary>acme (an organization with alice), bob outside it, and acme/echo 1.0.0 public.</summary>
    private static async Task<(TestCluster Cluster, HttpClient Alice, HttpClient Bob, string Hash)> EchoAsync(TestCluster cluster)
    {
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        await cluster.AccountAsync("bob");
        await cluster.MemberAsync("acme", "alice");
        var hash = await cluster.PushAsync(Paths.Example("echo"), "acme/echo");
        await cluster.PublishAsync("acme/echo", hash, "1.0.0", isPublic: true);
        return (cluster, cluster.Client(await cluster.KeyAsync("alice")), cluster.Client(await cluster.KeyAsync("bob")), hash);
    }

    [Fact]
    public async Task TheFirstCallIsColdAndTheNextIsWarmOnTheSameInstance()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, _, hash) = await EchoAsync(cluster);

        var cold = await TestCluster.CallAsync(alice, "acme/echo", """{"n": 1}""");
        Assert.Equal(200, cold.Status);
        Assert.True(cold.ColdStart);
        Assert.Equal("""{"n":1}""", cold.Result.GetRawText());
        Assert.Equal(("json", "1.0.0", hash), (cold.Metadata.GetProperty("content_type").GetString(), cold.Metadata.GetProperty("version").GetString(),
            cold.Metadata.GetProperty("hash").GetString()));

        var warm = await TestCluster.CallAsync(alice, "acme/echo/1.0.0", """{"n": 2}""");
        Assert.Equal(200, warm.Status);
        Assert.False(warm.ColdStart);

        var instance = Assert.Single(await cluster.InstancesAsync());
        Assert.Equal(("alice", "acme/echo", "1.0.0", "w1", "idle", false, 2L),
            (instance.Account, instance.Algorithm, instance.Version, instance.Worker, instance.State, instance.Reserved, instance.CallsServed));
    }

    [Fact]
    public async Task TextAndBinaryBodiesComeBackTyped()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, _, _) = await EchoAsync(cluster);
        using var text = new StringContent("hello there", Encoding.UTF8, "text/plain");
        var t = await TestCluster.CallAsync(alice, "acme/echo", text);
        Assert.Equal(("hello there", "text"), (t.Result.GetString(), t.Metadata.GetProperty("content_type").GetString()));

        using var bytes = new ByteArrayContent([0, 1, 2, 254, 255]);
        bytes.Headers.ContentType = new("application/octet-stream");
        var b = await TestCluster.CallAsync(alice, "acme/echo", bytes);
        Assert.Equal(("AAEC/v8=", "binary"), (b.Result.GetString(), b.Metadata.GetProperty("content_type").GetString()));
    }

    [Fact]
    public async Task TwoAccountsNeverShareAnInstance()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, bob, _) = await EchoAsync(cluster);
        Assert.True((await TestCluster.CallAsync(alice, "acme/echo", "1")).ColdStart);
        Assert.True((await TestCluster.CallAsync(bob, "acme/echo", "2")).ColdStart);
        Assert.False((await TestCluster.CallAsync(alice, "acme/echo", "3")).ColdStart);
        Assert.False((await TestCluster.CallAsync(bob, "acme/echo", "4")).ColdStart);

        var instances = await cluster.InstancesAsync();
        Assert.Equal(["alice", "bob"], instances.Select(i => i.Account).Order());
        Assert.All(instances, i => Assert.Equal(2L, i.CallsServed));
    }

    [Fact]
    public async Task PrivateVersionsAndUnpublishedHashesAreForMembersOnly()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, bob, publicHash) = await EchoAsync(cluster);
        var privateHash = await cluster.PushAsync(Paths.Fixtures, "acme/echo");
        await cluster.PublishAsync("acme/echo", privateHash, "1.1.0", isPublic: false);
        var unpublished = await cluster.PushAsync(CopyWithChange(cluster, Paths.Example("echo")), "acme/echo");

        var refusals = new Dictionary<string, string>
        {
            ["acme/echo/1.1.0"] = "version 1.1.0 of acme/echo is private to members of acme, and bob is not one",
            ["acme/echo/latestPrivate"] = "latestPrivate of acme/echo is for members of acme only, and bob is not one",
            [$"acme/echo/{privateHash}"] = $"build {privateHash} of acme/echo is not published public; only members of acme may call it, and bob is not one",
            [$"acme/echo/{unpublished}"] = $"build {unpublished} of acme/echo is not published public; only members of acme may call it, and bob is not one",
        };
        foreach (var (path, message) in refusals)
        {
            var refused = await TestCluster.CallAsync(bob, path, "1");
            Assert.Equal((403, message), (refused.Status, refused.Error));
            var allowed = await TestCluster.CallAsync(alice, path, "\"ok\"");
            Assert.Equal(200, allowed.Status);
        }

        Assert.Equal(200, (await TestCluster.CallAsync(bob, $"acme/echo/{publicHash}", "1")).Status);
        Assert.Equal(200, (await TestCluster.CallAsync(bob, "acme/echo/1.0", "1")).Status);
        var missing = await TestCluster.CallAsync(bob, "acme/echo/2.0.0", "1");
        Assert.Equal((404, "acme/echo has no version 2.0.0"), (missing.Status, missing.Error));
        var unknown = await TestCluster.CallAsync(bob, "acme/nothing", "1");
        Assert.Equal((404, "algorithm acme/nothing not found"), (unknown.Status, unknown.Error));
        var bad = await TestCluster.CallAsync(bob, "acme/echo/one.two", "1");
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task MissingWrongAndNonAccountKeysAreRefused()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        await EchoAsync(cluster);
        var none = await TestCluster.CallAsync(cluster.Anonymous, "acme/echo", "1");
        Assert.Equal((401, "an API key is required: send the header \"Authorization: Simple KEY\" (or the bare key, as Algorithmia's clients do)"),
            (none.Status, none.Error));
        using var wrongClient = cluster.Client("hearth_not-a-real-key");
        var wrong = await TestCluster.CallAsync(wrongClient, "acme/echo", "1");
        Assert.Equal((401, "the API key is not valid"), (wrong.Status, wrong.Error));
        var admin = await TestCluster.CallAsync(cluster.Admin, "acme/echo", "1");
        Assert.Equal(403, admin.Status);
        Assert.StartsWith("admin keys cannot call algorithms", admin.Error, StringComparison.Ordinal);
        Assert.Empty(await cluster.InstancesAsync());
    }

    [Fact]
    public async Task BodiesOverTenMebibytesAreRefusedWith413AndTenMebibytesGoThrough()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, _, _) = await EchoAsync(cluster);
        var limit = 10 * 1024 * 1024;
        using var over = new ByteArrayContent(new byte[limit + 1]);
        over.Headers.ContentType = new("application/octet-stream");
        var refused = await TestCluster.CallAsync(alice, "acme/echo", over);
        Assert.Equal((413, $"the request body is larger than the 10 MiB limit for calls ({limit + 1} bytes)"), (refused.Status, refused.Error));

        var payload = new byte[limit];
        Random.Shared.NextBytes(payload);
        using var exact = new ByteArrayContent(payload);
        exact.Headers.ContentType = new("application/octet-stream");
        var answered = await TestCluster.CallAsync(alice, "acme/echo", exact);
        Assert.Equal(200, answered.Status);
        Assert.Equal(payload, Convert.FromBase64String(answered.Result.GetString()!));
    }

    [Fact]
    public async Task BadJsonAndBadTimeoutsAreRefusedAsBadRequests()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, alice, _, _) = await EchoAsync(cluster);
        var json = await TestCluster.CallAsync(alice, "acme/echo", "{\"a\": ");
        Assert.Equal(400, json.Status);
        Assert.StartsWith("the body is not valid JSON", json.Error, StringComparison.Ordinal);
        var timeout = await TestCluster.CallAsync(alice, "acme/echo", "1", timeout: 3001);
        Assert.Equal((400, "timeout \"3001\" must be a number of seconds greater than 0 and at most 3000"), (timeout.Status, timeout.Error));
    }

    /// <summary>A copy of <paramref name="directory"/> with one more file, so it gets another content hash.</summary>
    internal static string CopyWithChange(TestCluster cluster, string directory)
    {
        var copy = Path.Combine(cluster.Root, "copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(copy, "CHANGES"), "an unpublished change\n");
        return copy;
    }
}
