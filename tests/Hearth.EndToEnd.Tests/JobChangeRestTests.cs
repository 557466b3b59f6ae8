using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.EndToEnd.Tests;

/// <summary>Requirements, modify and the priority floor over REST: bad input is a 4xx naming what is wrong, and the routes are in the OpenAPI document.</summary>
public sealed class JobChangeRestTests(SupervisorOnly fixture) : IClassFixture<SupervisorOnly>
{
    [Theory]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "requirements": "host.os = \"linux\""}""", HttpStatusCode.BadRequest, "invalid requirements: column 9: a single = is not a comparison; write ==")]
    [InlineData("POST", "/v1/jobs", """{"command": ["true"], "requirements": "host.memory >= 4"}""", HttpStatusCode.BadRequest, "invalid requirements: column 1: host.memory is not a property")]
    [InlineData("POST", "/v1/jobs/1/modify", "{}", HttpStatusCode.BadRequest, "nothing to change: give priority, reservations or requirements")]
    [InlineData("POST", "/v1/jobs/1/modify", """{"priority": 0}""", HttpStatusCode.BadRequest, "priority 0 is out of range: 1 (highest) to 9999 (lowest)")]
    [InlineData("POST", "/v1/jobs/1/modify", """{"requirements": "(host.os"}""", HttpStatusCode.BadRequest, "invalid requirements: column 9: expected a comparison")]
    [InlineData("POST", "/v1/jobs/999999/modify", """{"priority": 5}""", HttpStatusCode.NotFound, "job 999999 not found")]
    [InlineData("PUT", "/v1/policy", """{"highest_user_priority": 0}""", HttpStatusCode.BadRequest, "highest user priority 0 is out of range")]
    [InlineData("PUT", "/v1/policy", "{}", HttpStatusCode.BadRequest, "highest_user_priority: missing")]
    public async Task BadRequirementsModificationsAndPoliciesAreRefusedNamingWhatIsWrong(string method, string path, string body, HttpStatusCode status, string detail)
    {
        using var http = Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"HTTP {(int)response.StatusCode}: {text}");
        Assert.StartsWith(detail, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOpenApiDocumentHasModifyAndPolicy()
    {
        using var http = Client();

        var document = await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        using var json = JsonDocument.Parse(document);
        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/jobs/{id}/modify", out _));
        Assert.True(paths.GetProperty("/v1/policy").TryGetProperty("put", out _));
    }

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri(fixture.Cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", fixture.Cluster.AdminKey);
        return http;
    }
}
