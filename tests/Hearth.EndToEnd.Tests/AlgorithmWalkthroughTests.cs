using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// The algorithms walkthrough of docs/algorithms.md, with the real CLI against a supervisor and a worker running as
/// separate processes: accounts and keys, push (with the examples' build steps), publish, call cold then warm, and
/// the refusals a new user meets first.
/// </summary>
public sealed class AlgorithmWalkthroughTests
{
    internal static string Examples { get; } = FindExamples();

    /// <summary>A copy of an example without its build outputs, so the test builds it from scratch and leaves the tree alone.</summary>
    internal static string CopyExample(TestCluster cluster, string name)
    {
        var source = Path.Combine(Examples, name);
        var target = Path.Combine(cluster.Root, "examples", name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative is "model.bin" || relative.Split('/')[0] is "app" or "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        return target;
    }

    private static Dictionary<string, string?> As(TestCluster cluster, string key) => new() { ["HEARTH_URL"] = cluster.BaseUrl, ["HEARTH_API_KEY"] = key };

    private static async Task<JsonElement> JsonAsync(Dictionary<string, string?> env, params string[] args)
    {
        var result = await HearthCli.RunAsync(env, [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
        return result.Json;
    }

    [Fact]
    public async Task PushPublishAndCallTheExamplesColdThenWarm()
    {
        await using var cluster = await TestCluster.StartAsync(workers: ("w1", "host.processors=4,host.memory=4000"));
        await cluster.JsonAsync("account", "create", "acme", "--org");
        await cluster.JsonAsync("account", "create", "alice");
        await cluster.JsonAsync("account", "create", "bob");
        Assert.True((await cluster.JsonAsync("org", "add-member", "acme", "alice")).GetProperty("added").GetBoolean());
        var alice = As(cluster, (await cluster.JsonAsync("key", "create", "alice")).GetProperty("key").GetString()!);
        var bob = As(cluster, (await cluster.JsonAsync("key", "create", "bob")).GetProperty("key").GetString()!);

        // A member pushes and publishes; the build step of each example runs during the push.
        var echo = (await JsonAsync(alice, "algo", "push", CopyExample(cluster, "echo"), "--as", "acme/echo")).GetProperty("hash").GetString()!;
        Assert.Matches("^[0-9a-f]{40}$", echo);
        await JsonAsync(alice, "algo", "publish", "acme/echo", "--hash", echo, "--version", "1.0.0", "--public");

        var cold = await JsonAsync(bob, "call", "acme/echo", """{"hello": "world"}""");
        Assert.Equal("""{"hello": "world"}""", cold.GetProperty("result").GetRawText());
        Assert.True(cold.GetProperty("metadata").GetProperty("cold_start").GetBoolean());
        var warm = await JsonAsync(bob, "call", "acme/echo", "hi again");
        // call --json prints like every other command: spaced, quotes as written, durations in plain decimals.
        var quoted = await HearthCli.RunAsync(bob, "call", "acme/echo", "it's \"quoted\"", "--json");
        Assert.True(quoted.ExitCode == 0, quoted.ToString());
        Assert.StartsWith("""{"result": "it's \"quoted\"", "metadata": {"content_type": "text", "duration": 0.""", quoted.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch("[eE][-+][0-9]|\\\\u00", quoted.Stdout);
        Assert.Equal(("hi again", false, "text", "1.0.0", echo), (warm.GetProperty("result").GetString(),
            warm.GetProperty("metadata").GetProperty("cold_start").GetBoolean(), warm.GetProperty("metadata").GetProperty("content_type").GetString(),
            warm.GetProperty("metadata").GetProperty("version").GetString(), warm.GetProperty("metadata").GetProperty("hash").GetString()));

        var instances = (await cluster.JsonAsync("instances")).GetProperty("instances");
        var instance = Assert.Single(instances.EnumerateArray());
        Assert.Equal(("bob", "acme/echo", echo, "1.0.0", "w1", "idle", false),
            (instance.GetProperty("account").GetString(), instance.GetProperty("algorithm").GetString(), instance.GetProperty("hash").GetString(),
             instance.GetProperty("version").GetString(), instance.GetProperty("worker").GetString(), instance.GetProperty("state").GetString(),
             instance.GetProperty("reserved").GetBoolean()));
        Assert.Matches("^i-[0-9a-f]{12}$", instance.GetProperty("id").GetString()!);
        var table = (await cluster.RunAsync("instances")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, table.Length);
        Assert.Matches("^ID +STATE +ACCOUNT +ALGORITHM +WORKER +ISOLATION +LAST USED$", table[0]);
        Assert.Matches($"^{instance.GetProperty("id").GetString()} +idle +bob +acme/echo/1.0.0 +w1 +", table[1]);
        Assert.True(instance.TryGetProperty("last_used", out _));

        // The model example generates 128 MiB of weights at build time and loads them at start.
        var model = (await JsonAsync(alice, "algo", "push", CopyExample(cluster, "model"), "--as", "acme/model")).GetProperty("hash").GetString()!;
        await JsonAsync(alice, "algo", "publish", "acme/model", "--hash", model, "--version", "0.1.0", "--private");
        var scored = await JsonAsync(alice, "call", "acme/model/latestPrivate", "the quick brown fox");
        Assert.Equal("08c82edbd258b49a", scored.GetProperty("result").GetProperty("model").GetString());
        Assert.Equal(4, scored.GetProperty("result").GetProperty("scores").GetArrayLength());
        Assert.True(scored.GetProperty("metadata").GetProperty("cold_start").GetBoolean());
        Assert.False((await JsonAsync(alice, "call", "acme/model/0.1.0", """{"text": "warm now"}""")).GetProperty("metadata").GetProperty("cold_start").GetBoolean());
        var refused = await HearthCli.RunAsync(bob, "call", "acme/model/0.1.0", "x");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("version 0.1.0 of acme/model is private to members of acme, and bob is not one", refused.Stderr, StringComparison.Ordinal);

        // The C# example's build step is dotnet publish.
        var words = (await JsonAsync(alice, "algo", "push", CopyExample(cluster, "csharp"), "--as", "acme/wordcount")).GetProperty("hash").GetString()!;
        await JsonAsync(alice, "algo", "publish", "acme/wordcount", "--hash", words, "--version", "1.0.0", "--public");
        var counted = await JsonAsync(bob, "call", "acme/wordcount", "the cat and the hat");
        Assert.Equal("""{"words": {"the": 2, "and": 1, "cat": 1, "hat": 1}, "total": 5}""", counted.GetProperty("result").GetRawText());

        // The C# echo, which the calls benchmark can use in place of the Python one, answers like it.
        var echoCsharp = (await JsonAsync(alice, "algo", "push", CopyExample(cluster, "echo-csharp"), "--as", "acme/echocs")).GetProperty("hash").GetString()!;
        await JsonAsync(alice, "algo", "publish", "acme/echocs", "--hash", echoCsharp, "--version", "1.0.0", "--public");
        var echoedJson = await JsonAsync(bob, "call", "acme/echocs", """{"hello": ["world", 1]}""");
        Assert.Equal(("""{"hello": ["world", 1]}""", "json"),
            (echoedJson.GetProperty("result").GetRawText(), echoedJson.GetProperty("metadata").GetProperty("content_type").GetString()));
        var echoedText = await JsonAsync(bob, "call", "acme/echocs", "plain words");
        Assert.Equal(("plain words", "text", false), (echoedText.GetProperty("result").GetString(),
            echoedText.GetProperty("metadata").GetProperty("content_type").GetString(), echoedText.GetProperty("metadata").GetProperty("cold_start").GetBoolean()));

        var versions = await JsonAsync(alice, "algo", "versions", "acme/echo");
        Assert.Equal("1.0.0", versions.GetProperty("versions")[0].GetProperty("version").GetString());
    }

    [Fact]
    public async Task TheFirstMistakesAreRefusedWithClearMessages()
    {
        await using var cluster = await TestCluster.StartAsync(workers: ("w1", "host.processors=2,host.memory=2000"));
        await cluster.JsonAsync("account", "create", "acme", "--org");
        await cluster.JsonAsync("account", "create", "bob");
        var bob = As(cluster, (await cluster.JsonAsync("key", "create", "bob")).GetProperty("key").GetString()!);
        var echo = CopyExample(cluster, "echo");

        var outsider = await HearthCli.RunAsync(bob, "algo", "push", echo, "--as", "acme/echo");
        Assert.Equal(1, outsider.ExitCode);
        Assert.Contains("only members of acme may push to acme/echo, and bob is not one", outsider.Stderr, StringComparison.Ordinal);

        var nowhere = await HearthCli.RunAsync(bob, "algo", "push", echo, "--as", "nobody/echo");
        Assert.Equal(1, nowhere.ExitCode);
        Assert.Contains("account nobody not found", nowhere.Stderr, StringComparison.Ordinal);

        var hash = (await cluster.JsonAsync("algo", "push", echo, "--as", "acme/echo")).GetProperty("hash").GetString()!;
        await cluster.JsonAsync("algo", "publish", "acme/echo", "--hash", hash, "--version", "2.0.0", "--public");
        var lower = await cluster.RunAsync("algo", "publish", "acme/echo", "--hash", hash, "--version", "1.9.9", "--public");
        Assert.Equal(1, lower.ExitCode);
        Assert.Contains("version 1.9.9 is lower than acme/echo's latest version 2.0.0; versions only increase", lower.Stderr, StringComparison.Ordinal);
        var both = await cluster.RunAsync("algo", "publish", "acme/echo", "--hash", hash, "--version", "3.0.0", "--public", "--private");
        Assert.Equal((2, "hearth: give exactly one of --public or --private\n"), (both.ExitCode, both.Stderr));

        var keyless = await HearthCli.RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = cluster.BaseUrl }, "call", "acme/echo", "1");
        Assert.Equal(1, keyless.ExitCode);
        Assert.Contains("(HTTP 401): an API key is required", keyless.Stderr, StringComparison.Ordinal);
        var missing = await cluster.RunAsync("account", "create", "bad name");
        Assert.Equal((2, "hearth: account name \"bad name\" may hold only letters, digits, '_' and '-'\n"), (missing.ExitCode, missing.Stderr));
        var noManifest = await cluster.RunAsync("algo", "push", cluster.Root, "--as", "acme/empty");
        Assert.Equal(2, noManifest.ExitCode);
        Assert.Contains("has no hearth.json", noManifest.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedFromTheNextCallWhileTheAccountsOtherKeysKeepWorking()
    {
        await using var cluster = await TestCluster.StartAsync(workers: ("w1", "host.processors=2,host.memory=2000"));
        await cluster.JsonAsync("account", "create", "carol");
        var first = await cluster.JsonAsync("key", "create", "carol");
        var (firstId, carol) = (first.GetProperty("id").GetString()!, As(cluster, first.GetProperty("key").GetString()!));
        var spare = As(cluster, (await cluster.JsonAsync("key", "create", "carol")).GetProperty("key").GetString()!);
        var echo = (await JsonAsync(carol, "algo", "push", CopyExample(cluster, "echo"), "--as", "carol/echo")).GetProperty("hash").GetString()!;
        await JsonAsync(carol, "algo", "publish", "carol/echo", "--hash", echo, "--version", "1.0.0", "--public");
        Assert.Equal("\"before\"", (await JsonAsync(carol, "call", "carol/echo", "\"before\"")).GetProperty("result").GetRawText());

        var revoked = await cluster.JsonAsync("key", "revoke", "carol", firstId);
        Assert.Equal((firstId, "carol"), (revoked.GetProperty("id").GetString(), revoked.GetProperty("account").GetString()));
        var refused = await HearthCli.RunAsync(carol, "call", "carol/echo", "\"after\"");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("(HTTP 401): the API key is not valid", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("\"spare\"", (await JsonAsync(spare, "call", "carol/echo", "\"spare\"")).GetProperty("result").GetRawText());

        var keys = (await cluster.JsonAsync("key", "list", "carol")).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(revoked.GetProperty("revoked_at").GetString(), keys.Single(k => k.GetProperty("id").GetString() == firstId).GetProperty("revoked_at").GetString());
        Assert.Equal(JsonValueKind.Null, keys.Single(k => k.GetProperty("id").GetString() != firstId).GetProperty("revoked_at").ValueKind);
        Assert.DoesNotContain(keys, k => k.TryGetProperty("key", out _));

        var again = await cluster.JsonAsync("key", "revoke", "carol", firstId);
        Assert.Equal(revoked.GetProperty("revoked_at").GetString(), again.GetProperty("revoked_at").GetString());
        var unknown = await cluster.RunAsync("key", "revoke", "carol", "k-does-not-exist");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("account carol has no key k-does-not-exist", unknown.Stderr, StringComparison.Ordinal);
        var nobody = await cluster.RunAsync("key", "list", "nobody");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("account nobody not found", nobody.Stderr, StringComparison.Ordinal);
    }

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var examples = Path.Combine(dir.FullName, "examples", "algorithms");
            if (Directory.Exists(examples))
            {
                return examples;
            }
        }

        throw new InvalidOperationException("cannot find examples/algorithms above " + AppContext.BaseDirectory);
    }
}
