using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>
/// Text that PostgreSQL cannot keep, sent by any account to a supervisor on PostgreSQL: each request is refused at the
/// edge with a 400 naming the field, and none reaches the scheduling loop's batch, where it would fail everyone
/// else's requests with it and, repeated, stop the supervisor.
/// </summary>
public sealed class PoisonedInputTests(PostgresServer server) : IAsyncLifetime
{
    private TestCluster _farm = null!;

    public async ValueTask InitializeAsync() =>
        _farm = await TestCluster.StartAsync(new ClusterOptions { Database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken) });

    public async ValueTask DisposeAsync() => await _farm.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> SubmitAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _farm.Admin.PostAsync(new Uri("v1/jobs", UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("""{"command": ["true"], "name": "x\u0000"}""", "$.name holds a NUL character (U+0000) at character 2")]
    [InlineData("""{"command": ["true"], "requirements": "host.os == \"li\u0000nux\""}""", "$.requirements holds a NUL character (U+0000) at character 15")]
    [InlineData("""{"command": ["true"], "reservations": "host.processors=1\u0000"}""", "$.reservations holds a NUL character (U+0000) at character 18")]
    [InlineData("""{"command": ["true"], "name": "a\ud800b"}""", "$.name holds a lone UTF-16 surrogate")]
    public async Task TextPostgresCannotKeepIsRefusedAtTheEdgeAndEveryoneElsesWorkGoesOn(string poisoned, string detail)
    {
        var submitters = Enumerable.Range(0, 8).Select(i => SubmitAsync($$"""{"command": ["true"], "name": "good-{{i}}", "reservations": "host.processors=64"}""")).ToList();
        var (status, body) = await SubmitAsync(poisoned);
        var good = await Task.WhenAll(submitters);

        Assert.True(status == HttpStatusCode.BadRequest, $"HTTP {(int)status}: {body}");
        Assert.StartsWith(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All(good, g => Assert.True(g.Status == HttpStatusCode.Created, $"HTTP {(int)g.Status}: {g.Body}"));
        var (after, afterBody) = await SubmitAsync("""{"command": ["true"], "name": "after"}""");
        Assert.True(after == HttpStatusCode.Created, afterBody);
        var names = (await _farm.Admin.GetFromJsonAsync<JobListView>("v1/jobs", ApiJson.Options, TestContext.Current.CancellationToken))!.Jobs.Select(j => j.Name).ToList();
        Assert.Contains("after", names);
        Assert.False(_farm.Supervisor.HasExited);
    }
}
