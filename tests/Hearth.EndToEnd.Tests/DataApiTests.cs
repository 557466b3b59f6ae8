using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>One supervisor process with accounts alice and bob and a key each, shared by the data API's tests.</summary>
public sealed class DataCluster : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    internal string AliceKey { get; private set; } = "";

    internal string BobKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync();
        foreach (var name in (string[])["alice", "bob"])
        {
            (await Cluster.Admin.PostAsJsonAsync("/v1/accounts", new { name }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        AliceKey = await KeyAsync("alice");
        BobKey = await KeyAsync("bob");
    }

    private async Task<string> KeyAsync(string account)
    {
        var response = await Cluster.Admin.PostAsync($"/v1/accounts/{account}/keys", null, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return body.RootElement.GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The data API over HTTP against a supervisor process: what a stranger can learn, listings paged at a thousand,
/// name rules, uploads cut short, the data quota, ranges, and a multi-gigabyte file through a supervisor whose memory
/// stays flat.
/// </summary>
public sealed class DataApiTests(DataCluster fixture) : IClassFixture<DataCluster>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private TestCluster Cluster => fixture.Cluster;

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Cluster.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return (response.StatusCode, body.RootElement.GetProperty("error").GetProperty("message").GetString()!);
    }

    private static async Task CollectionAsync(HttpClient client, string owner, string name, string acl = "algo://.my/*")
    {
        var read = acl.Length == 0 ? "[]" : $"[\"{acl}\"]";
        using var response = await client.PostAsync($"/v1/data/{owner}", Json($"{{\"name\": \"{name}\", \"acl\": {{\"read\": {read}}}}}"), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AStrangerCannotTellAPrivateCollectionFromOneThatDoesNotExist()
    {
        using var alice = Client(fixture.AliceKey);
        using var bob = Client(fixture.BobKey);
        await CollectionAsync(alice, "alice", "secret", acl: "");
        (await alice.PutAsync("/v1/data/alice/secret/f.txt", new StringContent("x"), Cancel)).EnsureSuccessStatusCode();

        var hidden = await ErrorAsync(await bob.GetAsync("/v1/data/alice/secret/f.txt", Cancel));
        var missing = await ErrorAsync(await bob.GetAsync("/v1/data/alice/secreu/f.txt", Cancel));
        using var headHidden = await bob.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/data/alice/secret/f.txt"), Cancel);
        using var headMissing = await bob.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/data/alice/secreu/f.txt"), Cancel);
        var write = await ErrorAsync(await bob.PutAsync("/v1/data/alice/secret/g.txt", new StringContent("x"), Cancel));
        var listing = await bob.GetStringAsync("/v1/data/alice", Cancel);

        Assert.Equal((HttpStatusCode.NotFound, "data://alice/secret/f.txt not found"), hidden);
        Assert.Equal((HttpStatusCode.NotFound, "data://alice/secreu/f.txt not found"), missing);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (headHidden.StatusCode, headMissing.StatusCode));
        Assert.Equal(["data://alice/secret/f.txt not found"], headHidden.Headers.GetValues("X-Error-Message"));
        Assert.Equal((HttpStatusCode.NotFound, "data://alice/secret/g.txt not found"), write);
        Assert.DoesNotContain("secret", listing, StringComparison.Ordinal);
        Assert.Equal("x", await alice.GetStringAsync("/v1/data/alice/secret/f.txt", Cancel));
    }

    [Fact]
    public async Task APublicCollectionIsReadByAnyKeyAndWrittenOnlyByItsOwner()
    {
        using var alice = Client(fixture.AliceKey);
        using var bob = Client(fixture.BobKey);
        await CollectionAsync(alice, ".my", "shared", acl: "user://*");
        (await alice.PutAsync("/v1/data/.my/shared/f.txt", new StringContent("for all"), Cancel)).EnsureSuccessStatusCode();

        var refused = await ErrorAsync(await bob.PutAsync("/v1/data/alice/shared/f.txt", new StringContent("mine now"), Cancel));

        Assert.Equal("for all", await bob.GetStringAsync("/v1/connector/data/alice/shared/f.txt", Cancel));
        Assert.Equal((HttpStatusCode.Forbidden, "only alice and its members may write to data://alice/shared"), refused);
        Assert.Equal("for all", await alice.GetStringAsync("/v1/data/alice/shared/f.txt", Cancel));
    }

    [Fact]
    public async Task AListingPagesAtAThousandEntriesSortedByName()
    {
        using var alice = Client(fixture.AliceKey);
        await CollectionAsync(alice, "alice", "many");
        var names = Enumerable.Range(0, 1003).Select(i => $"f{i.ToString("D4", CultureInfo.InvariantCulture)}").Reverse().ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (name, ct) =>
            (await alice.PutAsync($"/v1/data/alice/many/{name}", new StringContent(name), ct)).EnsureSuccessStatusCode());
        (await alice.PostAsync("/v1/data/alice/many", Json("{\"name\": \"dir\"}"), Cancel)).EnsureSuccessStatusCode();

        using var first = JsonDocument.Parse(await alice.GetStringAsync("/v1/data/alice/many", Cancel));
        var marker = first.RootElement.GetProperty("marker").GetString();
        using var second = JsonDocument.Parse(await alice.GetStringAsync($"/v1/data/alice/many?marker={marker}", Cancel));

        // "dir" sorts first: the first page is it and 999 files.
        var firstFiles = first.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("filename").GetString()).ToList();
        Assert.Equal(["dir"], first.RootElement.GetProperty("folders").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(names.Order(StringComparer.Ordinal).Take(999), firstFiles);
        Assert.Equal("f0998", marker);
        Assert.Equal(["f0999", "f1000", "f1001", "f1002"], second.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("filename").GetString()));
        Assert.Empty(second.RootElement.GetProperty("folders").EnumerateArray());
        Assert.False(second.RootElement.TryGetProperty("marker", out _));
        Assert.Equal(5, first.RootElement.GetProperty("files")[0].GetProperty("size").GetInt64());
    }

    [Theory]
    [InlineData("/v1/data/alice/names/a//b", "has an empty segment")]
    [InlineData("/v1/data/alice/names/%01bell", "holds the control character U+0001")]
    [InlineData("/v1/data/.nowhere/x", "is not a data area")]
    [InlineData("/v1/data/.session/x", ".session exists only inside an algorithm call")]
    [InlineData("/v1/data/.algo/temp/x", ".algo/temp names the running algorithm")]
    public async Task ABadPathIsRefusedSayingWhatIsWrong(string path, string expected)
    {
        using var alice = Client(fixture.AliceKey);

        var (status, message) = await ErrorAsync(await alice.PutAsync(new Uri(path, UriKind.Relative), new StringContent("x"), Cancel));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathOverAThousandAndTwentyFourBytesIsRefused()
    {
        using var alice = Client(fixture.AliceKey);

        var (status, message) = await ErrorAsync(await alice.PutAsync($"/v1/data/alice/names/{new string('é', 520)}", new StringContent("x"), Cancel));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("the path is 1052 bytes long; a data path is at most 1024 bytes", message);
    }

    [Fact]
    public async Task AnUploadCutShortLeavesNothingVisible()
    {
        using var alice = Client(fixture.AliceKey);
        await CollectionAsync(alice, "alice", "cut");
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync("127.0.0.1", Cluster.Port, Cancel);
            var stream = socket.GetStream();
            var head = $"PUT /v1/data/alice/cut/half.bin HTTP/1.1\r\nHost: x\r\nAuthorization: {fixture.AliceKey}\r\nContent-Length: 10000000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancel);
            await stream.WriteAsync(new byte[3_000_000], Cancel);
            await stream.FlushAsync(Cancel);
        }

        var objects = Path.Combine(Cluster.DataDirectory, "objects");
        await Poll.UntilAsync("the cut upload's temporary file to go", () =>
            !Directory.Exists(objects) || !Directory.EnumerateFiles(objects, ".put-*", SearchOption.AllDirectories).Any());
        using var headAfter = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/data/alice/cut/half.bin"), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, headAfter.StatusCode);
        Assert.Equal("{\"folders\":[],\"files\":[],\"acl\":{\"read\":[\"algo://.my/*\"]}}", await alice.GetStringAsync("/v1/data/alice/cut", Cancel));
    }

    [Fact]
    public async Task AnUploadOverTheAccountsQuotaIsRefusedNamingTheQuota()
    {
        (await Cluster.Admin.PostAsJsonAsync("/v1/accounts", new { name = "carol" }, Cancel)).EnsureSuccessStatusCode();
        var key = await Cluster.Admin.PostAsync("/v1/accounts/carol/keys", null, Cancel);
        using var carol = Client(JsonDocument.Parse(await key.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("key").GetString()!);
        await CollectionAsync(carol, "carol", "q");
        var set = await Cluster.RunAsync("account", "set", "carol", "--data-quota-mb", "1", "--json");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(1, set.Json.GetProperty("data_quota_mb").GetInt64());
        (await carol.PutAsync("/v1/data/carol/q/a.bin", new ByteArrayContent(new byte[600_000]), Cancel)).EnsureSuccessStatusCode();

        var declared = await ErrorAsync(await carol.PutAsync("/v1/data/carol/q/b.bin", new ByteArrayContent(new byte[600_000]), Cancel));
        var streamed = await ErrorAsync(await carol.PutAsync("/v1/data/carol/q/c.bin", new StreamContent(new GeneratedStream(600_000)), Cancel));
        var replaced = await carol.PutAsync("/v1/data/carol/q/a.bin", new ByteArrayContent(new byte[900_000]), Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.Status);
        Assert.Contains("account carol is over its data quota of 1 MiB", declared.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.Status);
        Assert.Contains("data quota of 1 MiB", streamed.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        using var listing = JsonDocument.Parse(await carol.GetStringAsync("/v1/data/carol/q", Cancel));
        Assert.Equal(["a.bin"], listing.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("filename").GetString()));
    }

    [Fact]
    public async Task AMultiGigabyteFileStreamsBothWaysWithTheSupervisorsMemoryFlatAndRangesRead()
    {
        const long size = 2L * 1024 * 1024 * 1024 + 12345;
        using var alice = Client(fixture.AliceKey);
        await CollectionAsync(alice, "alice", "big");
        var before = PeakResidentBytes(Cluster.Supervisor.Pid);

        using var put = await alice.PutAsync("/v1/data/alice/big/file.bin", new StreamContent(new GeneratedStream(size), 1 << 16), Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await alice.GetAsync("/v1/data/alice/big/file.bin", HttpCompletionOption.ResponseHeadersRead, Cancel);
        var (length, hash) = await HashAsync(await get.Content.ReadAsStreamAsync(Cancel));
        using var range = new HttpRequestMessage(HttpMethod.Get, "/v1/data/alice/big/file.bin");
        range.Headers.Range = new RangeHeaderValue(size - 10, null);
        using var tail = await alice.SendAsync(range, Cancel);
        var after = PeakResidentBytes(Cluster.Supervisor.Pid);

        Assert.Equal(size, length);
        Assert.Equal(await HashAsync(new GeneratedStream(size)), (length, hash));
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal($"bytes {size - 10}-{size - 1}/{size}", tail.Content.Headers.ContentRange!.ToString());
        Assert.Equal(GeneratedStream.Slice(size - 10, 10), await tail.Content.ReadAsByteArrayAsync(Cancel));
        Assert.True(after - before < 256L * 1024 * 1024, $"the supervisor's peak memory grew by {(after - before) / (1024 * 1024)} MiB over a {size / (1024 * 1024)} MiB upload and download");
        (await alice.DeleteAsync("/v1/data/alice/big?force=true", Cancel)).EnsureSuccessStatusCode();
    }

    private static async Task<(long Length, string Hash)> HashAsync(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, Cancel)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (length, Convert.ToHexString(hash.GetHashAndReset()));
    }

    /// <summary>The process's peak resident memory (VmHWM), in bytes.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
