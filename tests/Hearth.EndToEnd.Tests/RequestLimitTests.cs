using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// What a careless or hostile client may send is refused by name: fields the API does not have, values over their
/// documented limits, a relative working directory, an account name that collides with another or with the admin's.
/// Metrics need an admin key, and the supervisor's files are its user's alone.
/// </summary>
public sealed class RequestLimitTests(SupervisorOnly fixture) : IClassFixture<SupervisorOnly>
{
    private const string Reservation = """{"calling_user": "alice", "algorithm": "acme/model", "version_type": "latest_public", "count": 1""";

    private TestCluster Cluster => fixture.Cluster;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client(string? key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        }

        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == status, $"HTTP {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Hearth.", body, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string body, string? key = null)
    {
        using var http = Client(key ?? Cluster.AdminKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = Json(body) };
        return await http.SendAsync(request, Token);
    }

    private Task<HttpResponseMessage> SubmitAsync(string body) => SendAsync("POST", "/v1/jobs", body);

    [Theory]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "foo": 1}""", "unknown field 'foo'; the fields are command, name, ")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "workdir": "/tmp"}""", "unknown field 'workdir'; the fields are ")]
    [InlineData("POST", "/v1/accounts", """{"name": "zed", "role": "admin"}""", "unknown field 'role'; the fields are name, kind")]
    [InlineData("POST", "/v1/orgs/acme/members", """{"user": "zed", "admin": true}""", "unknown field 'admin'; the fields are user")]
    [InlineData("POST", "/v1/algorithms/acme/model/versions", """{"hash": "0123456789abcdef0123456789abcdef01234567", "version": "1.0.0", "public": true}""", "unknown field 'public'; the fields are hash, version, visibility")]
    [InlineData("POST", "/v1/admin/reservations", Reservation + """, "colour": "red"}""", "unknown field 'colour'; the fields are calling_user, algorithm, ")]
    [InlineData("POST", "/v1/admin/reservations", Reservation + """, "schedule": [{"start": "0 9 * * *", "end": "0 17 * * *", "count": 2, "days": 5}]}""", "unknown field 'days' in $.schedule[0]; the fields are start, end, count")]
    [InlineData("PATCH", "/v1/admin/reservations/1", """{"count": 2, "force": true}""", "unknown field 'force'; the fields are count")]
    public async Task UnknownFieldInABodyIsRefusedByName(string method, string path, string body, string detail)
    {
        var response = await SendAsync(method, path, body);

        Assert.StartsWith(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobNameAndCommandAtTheirLimitsAreAcceptedAndOneMoreIsTooLargeNamingTheField()
    {
        var atLimit = new string('n', 256);
        // Two arguments of 1 and 65533 bytes, each with its terminating byte: 65536 bytes in all.
        var fullCommand = $$"""["x", "{{new string('a', 65533)}}"]""";

        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync($$"""{"command": ["true"], "name": "{{atLimit}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync($$"""{"command": {{fullCommand}}}""")).StatusCode);

        Assert.Equal(
            "name is 257 characters long; the limit is 256",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["true"], "name": "{{atLimit}}n"}"""), HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(
            "command is 65537 bytes long (UTF-8, one terminating byte per argument); the limit is 65536 (64 KiB)",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["x", "{{new string('a', 65534)}}"]}"""), HttpStatusCode.RequestEntityTooLarge));
        Assert.StartsWith(
            "name is 1048576 characters long",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["true"], "name": "{{new string('n', 1 << 20)}}"}"""), HttpStatusCode.RequestEntityTooLarge),
            StringComparison.Ordinal);
        Assert.StartsWith(
            "command is 5242886 bytes long",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["echo", "{{new string('c', 5 << 20)}}"]}"""), HttpStatusCode.RequestEntityTooLarge),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../../etc")]
    [InlineData("relative/dir")]
    [InlineData("~/work")]
    [InlineData("")]
    public async Task RelativeWorkingDirectoryIsRefused(string directory)
    {
        var response = await SubmitAsync($$"""{"command": ["pwd"], "working_directory": "{{directory}}"}""");

        Assert.Equal(
            $"working_directory \"{directory}\" is not an absolute path; give the full path on the worker, starting with /",
            await AssertProblemAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task AbsoluteWorkingDirectoryIsKept()
    {
        var response = await SubmitAsync("""{"command": ["pwd"], "working_directory": "/tmp"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetInt64();

        using var http = Client(Cluster.AdminKey);
        using var job = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v1/jobs/{id}", UriKind.Relative), Token));

        Assert.Equal("/tmp", job.RootElement.GetProperty("working_directory").GetString());
    }

    [Fact]
    public async Task ArgumentWithANulCharacterIsRefusedNamingIt()
    {
        var response = await SubmitAsync("""{"command": ["echo", "a\u0000b"]}""");

        Assert.Equal(
            "$.command[1] holds a NUL character (U+0000) at character 2; it may hold only printable text, tabs and line breaks",
            await AssertProblemAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "name": "x\u0000"}""", "$.name holds a NUL character (U+0000) at character 2")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "name": "\u001b[2Jgotcha"}""", "$.name holds the control character U+001B at character 1")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "name": "tab\there"}""", "name holds the control character U+0009 at character 4; it may hold only printable text")]
    [InlineData("POST", "/v1/jobs", """{"command": ["printf", "\u0007"]}""", "$.command[1] holds the control character U+0007 at character 1")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "requirements": "host.os == \"x\u0000\""}""", "$.requirements holds a NUL character (U+0000)")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "retry_delay": "1s\u0085"}""", "$.retry_delay holds the control character U+0085")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "name": "a\udc00"}""", "$.name holds a lone UTF-16 surrogate, which is not text")]
    [InlineData("POST", "/v1/jobs/1/modify", """{"reservations": "host.processors=1\u0000"}""", "$.reservations holds a NUL character (U+0000)")]
    [InlineData("POST", "/v1/accounts", """{"name": "eve\u0000"}""", "$.name holds a NUL character (U+0000)")]
    [InlineData("POST", "/v1/admin/reservations", """{"calling_user": "alice\u001b", "algorithm": "acme/model", "version_type": "latest_public", "count": 1}""", "$.calling_user holds the control character U+001B")]
    public async Task EveryStringOfABodyIsRefusedWithNulControlCharactersOrLoneSurrogatesNamingIt(string method, string path, string body, string detail)
    {
        var response = await SendAsync(method, path, body);

        Assert.StartsWith(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/accounts/eve%07/keys", "the path holds the control character U+0007 at character 17")]
    [InlineData("/v1/algorithms/acme/m%1B/versions", "the path holds the control character U+001B at character 22")]
    [InlineData("/v1/jobs?state=pending%00", "query parameter state holds a NUL character (U+0000) at character 8")]
    public async Task APathOrQueryWithAControlCharacterIsRefusedBeforeRouting(string path, string detail)
    {
        using var http = Client(Cluster.AdminKey);

        var response = await http.GetAsync(new Uri(path, UriKind.Relative), Token);

        Assert.StartsWith(detail, await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReservationOfTenThousandItemsIsRefusedBySize()
    {
        var items = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"host.r{i}=1"));
        var few = string.Join(',', Enumerable.Range(0, 101).Select(i => $"host.r{i}=1"));

        Assert.Equal(
            $"invalid reservation: reservation is {items.Length} characters long; the limit is 4096",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["true"], "reservations": "{{items}}"}"""), HttpStatusCode.BadRequest));
        Assert.Equal(
            "invalid reservation: reservation has 101 items; the limit is 100",
            await AssertProblemAsync(await SubmitAsync($$"""{"command": ["true"], "reservations": "{{few}}"}"""), HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("NaN")]
    [InlineData("61")]
    [InlineData("-1")]
    public async Task AWaitTimeoutOutOfRangeIsA400NeverA500(string timeout)
    {
        using var http = Client(Cluster.AdminKey);

        var response = await http.GetAsync(new Uri($"/v1/jobs/1/wait?timeout={timeout}", UriKind.Relative), Token);

        Assert.EndsWith("is out of range: 0 to 60 seconds", await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountNamesAreUniqueRegardlessOfCaseAndAdminIsReserved()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync("POST", "/v1/accounts", """{"name": "carol"}""")).StatusCode);

        Assert.Equal(
            "account name Carol is taken by account carol: names are unique regardless of case",
            await AssertProblemAsync(await SendAsync("POST", "/v1/accounts", """{"name": "Carol", "kind": "org"}"""), HttpStatusCode.Conflict));
        Assert.Equal(
            "account carol already exists",
            await AssertProblemAsync(await SendAsync("POST", "/v1/accounts", """{"name": "carol"}"""), HttpStatusCode.Conflict));
        foreach (var reserved in new[] { "admin", "ADMIN", "Admin" })
        {
            Assert.Equal(
                $"account name \"{reserved}\" is reserved: jobs submitted with an admin key show as submitted by admin",
                await AssertProblemAsync(await SendAsync("POST", "/v1/accounts", $$"""{"name": "{{reserved}}"}"""), HttpStatusCode.BadRequest));
        }

        using var http = Client(Cluster.AdminKey);
        using var accounts = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/accounts", UriKind.Relative), Token));
        var names = accounts.RootElement.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Single(names, n => string.Equals(n, "carol", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => string.Equals(n, "admin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task MetricsNeedAnAdminKey()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync("POST", "/v1/accounts", """{"name": "dave"}""")).StatusCode);
        var created = await SendAsync("POST", "/v1/accounts/dave/keys", "{}");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var accountKey = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("key").GetString()!;

        using var anonymous = Client(null);
        using var account = Client(accountKey);
        using var worker = Client(Cluster.WorkerKey);
        using var admin = Client(Cluster.AdminKey);

        await AssertProblemAsync(await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative), Token), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await account.GetAsync(new Uri("/metrics", UriKind.Relative), Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await worker.GetAsync(new Uri("/metrics", UriKind.Relative), Token), HttpStatusCode.Forbidden);
        var scraped = await admin.GetAsync(new Uri("/metrics", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Equal("text/plain", scraped.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task StoreAndKeyFilesAreTheSupervisorUsersAlone()
    {
        const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
        var data = Path.Combine(Cluster.Root, "supervisor");
        // A write makes sure the journal files exist; the supervisor keeps its connections, and so them, open.
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync("""{"command": ["true"]}""")).StatusCode);
        await Poll.UntilAsync("the database's journal files", () =>
            Task.FromResult(File.Exists(Path.Combine(data, "hearth.db-wal")) && File.Exists(Path.Combine(data, "hearth.db-shm"))));

        foreach (var directory in new[] { data, Path.Combine(data, "builds"), Path.Combine(data, "cookie-keys") })
        {
            Assert.True(File.GetUnixFileMode(directory) == OwnerDirectory, $"{directory} is {File.GetUnixFileMode(directory)}");
        }

        foreach (var file in new[] { "hearth.db", "hearth.db-wal", "hearth.db-shm", "admin.key", "worker.key" })
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(data, file)) == OwnerFile, $"{file} is {File.GetUnixFileMode(Path.Combine(data, file))}");
        }
    }
}
