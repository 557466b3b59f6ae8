using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// Algorithms in Algorithmia's layout, pushed unmodified (no hearth.json) and called as Algorithmia's clients call:
/// the bare key, its content types, errors at 200, output=raw, output=void and stdout=true.
/// </summary>
public sealed class AlgorithmiaCallTests
{
    /// <summary>acme (an organization with alice), bob outside it, acme/hello (layout) and acme/adk (.adk) 1.0.0 public.</summary>
    internal static async Task<(HttpClient Alice, HttpClient Bob, string AliceKey)> AlgorithmsAsync(TestCluster cluster)
    {
        await cluster.AccountAsync("acme", org: true);
        await cluster.AccountAsync("alice");
        await cluster.AccountAsync("bob");
        await cluster.MemberAsync("acme", "alice");
        foreach (var (name, directory) in new[] { ("hello", Layout(cluster, "layout")), ("adk", Layout(cluster, "adk", adk: true)) })
        {
            var hash = await cluster.PushAsync(directory, $"acme/{name}");
            await cluster.PublishAsync($"acme/{name}", hash, "1.0.0", isPublic: true);
        }

        var aliceKey = await cluster.KeyAsync("alice");
        return (Bare(cluster, aliceKey), Bare(cluster, await cluster.KeyAsync("bob")), aliceKey);
    }

    /// <summary>A copy of a fixture directory in the cluster's scratch space, with the ADK marker where asked.</summary>
    internal static string Layout(TestCluster cluster, string fixture, bool adk = false)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "AlgorithmiaFixtures", fixture);
        var target = Path.Combine(cluster.Root, $"{fixture}-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        if (adk)
        {
            File.WriteAllText(Path.Combine(target, ".adk"), "");
        }

        return target;
    }

    /// <summary>A client that sends the key as Algorithmia's clients do: bare, with no scheme.</summary>
    internal static HttpClient Bare(TestCluster cluster, string key)
    {
        var client = cluster.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        return client;
    }

    private static async Task<(int Status, string Type, byte[] Body, string? RequestId)> PostAsync(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PostAsync("/v1/algo/" + path, content);
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.Single() : null;
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsByteArrayAsync(), requestId);
    }

    private static StringContent Text(string text, string type = "text/plain") => new(text, Encoding.UTF8, type);

    private static ByteArrayContent Bytes(params byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    [Theory]
    [InlineData("acme/hello", "hello world", "{\"echo\": {\"n\": 1}}", "AwIBAA==")]
    [InlineData("acme/adk", "WORLD", "{\"adk\": {\"n\": 1}}", "AwIBAA==")]
    public async Task TextJsonAndBinaryComeBackTypedWithTheBareKey(string algorithm, string text, string json, string binary)
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, _, _) = await AlgorithmsAsync(cluster);

        var t = await TestCluster.CallAsync(alice, algorithm, Text("world", "application/text"));
        Assert.Equal((200, text, "text"), (t.Status, t.Result.GetString(), t.Metadata.GetProperty("content_type").GetString()));

        var j = await TestCluster.CallAsync(alice, algorithm, """{"n": 1}""");
        Assert.Equal((200, json, "json"), (j.Status, j.Result.GetRawText(), j.Metadata.GetProperty("content_type").GetString()));

        var b = await TestCluster.CallAsync(alice, algorithm, Bytes(0, 1, 2, 3));
        Assert.Equal((200, binary, "binary"), (b.Status, b.Result.GetString(), b.Metadata.GetProperty("content_type").GetString()));
    }

    [Theory]
    [InlineData("acme/hello", "the input was rejected", "InputError")]
    [InlineData("acme/adk", "adk algorithm refused the input", "AlgorithmError")]
    public async Task AnAlgorithmsErrorIs200WithItsMessageTypeAndStacktrace(string algorithm, string message, string errorType)
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, _, _) = await AlgorithmsAsync(cluster);

        var answer = await TestCluster.CallAsync(alice, algorithm, Text("error"));
        Assert.Equal(200, answer.Status);
        var error = answer.Body.GetProperty("error");
        Assert.Equal((message, errorType), (error.GetProperty("message").GetString(), error.GetProperty("error_type").GetString()));
        Assert.Contains("Traceback (most recent call last)", error.GetProperty("stacktrace").GetString(), StringComparison.Ordinal);
        Assert.True(answer.Metadata.GetProperty("duration").GetDouble() > 0);

        var missing = await TestCluster.CallAsync(alice, "acme/missing", Text("x"));
        Assert.Equal((404, "algorithm acme/missing not found"), (missing.Status, missing.Error));
    }

    [Fact]
    public async Task RawOutputIsTheBareResultAndAnAlgorithmErrorThereIs400()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, _, _) = await AlgorithmsAsync(cluster);

        var text = await PostAsync(alice, "acme/hello?output=raw", Text("raw"));
        Assert.Equal((200, "text/plain", "hello raw"), (text.Status, text.Type, Encoding.UTF8.GetString(text.Body)));

        var json = await PostAsync(alice, "acme/adk?output=raw", new StringContent("[1, 2]", Encoding.UTF8, "application/json"));
        Assert.Equal((200, "application/json", "{\"adk\": [1, 2]}"), (json.Status, json.Type, Encoding.UTF8.GetString(json.Body)));

        var bytes = await PostAsync(alice, "acme/hello?output=raw", Bytes(9, 8, 7, 0, 255));
        Assert.Equal((200, "application/octet-stream"), (bytes.Status, bytes.Type));
        Assert.Equal(new byte[] { 255, 0, 7, 8, 9 }, bytes.Body);

        var error = await PostAsync(alice, "acme/hello?output=raw", Text("error"));
        Assert.Equal(400, error.Status);
        Assert.Equal("the input was rejected", JsonDocument.Parse(error.Body).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task VoidOutputAnswersAtOnceWhileTheCallRunsAndCounts()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, _, _) = await AlgorithmsAsync(cluster);

        var reply = await PostAsync(alice, "acme/hello?output=void", Text("sleep:2"));
        Assert.Equal(200, reply.Status);
        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.Equal("void", body.GetProperty("async").GetString());
        Assert.Equal(reply.RequestId, body.GetProperty("request_id").GetString());
        Assert.StartsWith("req-", reply.RequestId, StringComparison.Ordinal);

        // The reply came before the algorithm finished: its instance serves the call after it.
        await cluster.WaitForInstancesAsync(list => list is [{ State: "busy" }], "the void call to run on an instance after the reply");
        var served = await cluster.WaitForInstancesAsync(list => list is [{ State: "idle", CallsServed: 1 }], "the void call to finish on its instance");
        Assert.Equal("alice", served.Single().Account);

        // The call is counted when its outcome reaches the caller's side, just after the instance is released.
        const string Counted = "hearth_algorithm_calls_total{otel_scope_name=\"Hearth.Algorithms\",status=\"ok\"} 1";
        var metrics = "";
        await Poll.UntilAsync("the void call to be counted", async () =>
            (metrics = await cluster.Admin.GetStringAsync("/metrics", TestContext.Current.CancellationToken)).Contains(Counted, StringComparison.Ordinal),
            state: () => $"metrics: {metrics}");
    }

    [Fact]
    public async Task StdoutIsGivenToTheOwnersMembersOnlyAndOnlyWhenAsked()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, bob, _) = await AlgorithmsAsync(cluster);

        var member = await TestCluster.CallAsync(alice, "acme/hello?stdout=True", Text("print:a line from the algorithm"));
        Assert.Equal(("printed", "a line from the algorithm\n"), (member.Result.GetString(), member.Metadata.GetProperty("stdout").GetString()));

        var notAsked = await TestCluster.CallAsync(alice, "acme/hello", Text("print:not asked"));
        Assert.False(notAsked.Metadata.TryGetProperty("stdout", out _));

        var outsider = await TestCluster.CallAsync(bob, "acme/hello?stdout=true", Text("print:for members only"));
        Assert.Equal(200, outsider.Status);
        Assert.False(outsider.Metadata.TryGetProperty("stdout", out _));

        var bad = await TestCluster.CallAsync(alice, "acme/hello?stdout=maybe", Text("x"));
        Assert.Equal((400, "stdout \"maybe\" must be true or false"), (bad.Status, bad.Error));
    }

    [Fact]
    public async Task AnInstanceCallsOtherAlgorithmsAsItsCallerWithAKeyRevokedWhenItStops()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, bob, _) = await AlgorithmsAsync(cluster);

        var nested = await TestCluster.CallAsync(bob, "acme/hello", Text("call:from inside"));
        Assert.Equal((200, "hello from inside"), (nested.Status, nested.Result.GetString()));
        // The inner call spilled over to a second instance, and it is bob's: the key calls as the account it serves.
        var instances = await cluster.WaitForInstancesAsync(list => list.Count == 2 && list.All(i => i.State == "idle"), "both instances to be idle");
        Assert.All(instances, i => Assert.Equal("bob", i.Account));

        var key = (await TestCluster.CallAsync(bob, "acme/hello", Text("key"))).Result.GetString()!;
        using var withKey = Bare(cluster, key);
        Assert.Equal(200, (await TestCluster.CallAsync(withKey, "acme/hello", Text("x"))).Status);
        foreach (var instance in instances)
        {
            (await cluster.Admin.DeleteAsync($"/v1/instances/{instance.Id}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        await cluster.WaitForInstancesAsync(list => list.Count == 0, "the instances to be gone");
        var refused = await TestCluster.CallAsync(withKey, "acme/hello", Text("x"));
        Assert.Equal((401, "the API key is not valid"), (refused.Status, refused.Error));
    }
}
