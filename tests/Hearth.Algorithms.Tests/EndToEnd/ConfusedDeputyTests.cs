using System.Text.Json;
using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// bob calls mallory's public algorithm, whose instance holds a key acting for bob: it may call what both bob and
/// mallory may reach, never bob's private algorithms, and it never runs as the uid of bob's own instances.
/// </summary>
public sealed class ConfusedDeputyTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "SandboxFixtures", name);

    [Fact]
    public async Task AStrangersAlgorithmCannotCallItsCallersPrivateAlgorithmAndRunsAsAnotherUid()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(
            resources: "host.processors=8,host.memory=8000", worker: o => o with { Sandbox = SandboxMode.Required });
        await cluster.AccountAsync("mallory");
        await cluster.AccountAsync("bob");
        await cluster.PublishAsync("mallory/hostile", await cluster.PushAsync(Fixture("hostile"), "mallory/hostile"), "1.0.0", isPublic: true);
        await cluster.PublishAsync("bob/victim", await cluster.PushAsync(Fixture("victim"), "bob/victim"), "1.0.0", isPublic: false);
        await cluster.PublishAsync("bob/open", await cluster.PushAsync(Fixture("victim"), "bob/open"), "1.0.0", isPublic: true);
        await cluster.PublishAsync("bob/prober", await cluster.PushAsync(Fixture("hostile"), "bob/prober"), "1.0.0", isPublic: false);
        var bob = cluster.Client(await cluster.KeyAsync("bob"));

        // bob reaches his private algorithm, directly and through an algorithm of his own.
        var direct = await TestCluster.CallAsync(bob, "bob/victim/1.0.0", "\"direct\"");
        Assert.True(direct.Status == 200, direct.Body.GetRawText());
        var throughOwn = await CallThroughAsync(bob, "bob/prober/1.0.0", "/v1/algo/bob/victim/1.0.0");
        Assert.True(throughOwn.GetProperty("status").GetInt32() == 200, throughOwn.GetRawText());

        // mallory's algorithm, called by bob, is refused bob's private one, and the refusal names the rule.
        var deputy = await CallThroughAsync(bob, "mallory/hostile", "/v1/algo/bob/victim/1.0.0");
        Assert.Equal(403, deputy.GetProperty("status").GetInt32());
        var message = deputy.GetProperty("reply").GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("refused by the instance key's scope", message, StringComparison.Ordinal);
        Assert.Contains("an algorithm of mallory called by bob", message, StringComparison.Ordinal);
        Assert.Contains("private ones only where mallory is a member too", message, StringComparison.Ordinal);
        var latestPrivate = await CallThroughAsync(bob, "mallory/hostile", "/v1/algo/bob/victim/latestPrivate");
        Assert.Equal(403, latestPrivate.GetProperty("status").GetInt32());

        // Public algorithms stay callable from it, as the caller.
        var open = await CallThroughAsync(bob, "mallory/hostile", "/v1/algo/bob/open/1.0.0");
        Assert.True(open.GetProperty("status").GetInt32() == 200, open.GetRawText());

        // Its key is for calls (and data) alone: it cannot submit a job or reach the admin API as bob.
        foreach (var path in new[] { "/v1/jobs", "/v1/admin/reservations", "/v1/accounts/bob/keys" })
        {
            var elsewhere = await CallThroughAsync(bob, "mallory/hostile", path);
            Assert.True(elsewhere.GetProperty("status").GetInt32() == 401, $"{path}: {elsewhere.GetRawText()}");
        }

        // Its uid is neither bob's own instances' nor mallory's own.
        var bobsOwnUid = direct.Result.GetProperty("uid").GetInt32();
        var deputyUid = deputy.GetProperty("uid").GetInt32();
        Assert.NotEqual(bobsOwnUid, deputyUid);
        Assert.Equal(bobsOwnUid, throughOwn.GetProperty("uid").GetInt32());
        var mallory = cluster.Client(await cluster.KeyAsync("mallory"));
        var mallorysOwn = await CallThroughAsync(mallory, "mallory/hostile", "/v1/algo/bob/open/1.0.0");
        Assert.NotEqual(deputyUid, mallorysOwn.GetProperty("uid").GetInt32());
        Assert.NotEqual(bobsOwnUid, mallorysOwn.GetProperty("uid").GetInt32());
    }

    private static async Task<JsonElement> CallThroughAsync(HttpClient client, string algorithm, string path)
    {
        var answer = await TestCluster.CallAsync(client, algorithm, JsonSerializer.Serialize(new { call = path }));
        Assert.True(answer.Status == 200, answer.Body.GetRawText());
        return answer.Result;
    }
}
