using System.Net;
using System.Text.RegularExpressions;

namespace Hearth.EndToEnd.Tests;

public sealed partial class AdminPageTests(TwoWorkerCluster fixture) : IClassFixture<TwoWorkerCluster>
{
    private TestCluster Cluster => fixture.Cluster;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string key)
    {
        var form = await http.GetStringAsync(new Uri("/admin/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        return await http.PostAsync(new Uri("/admin/login", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ClusterPageNeedsTheAdminKeyThenShowsWorkersResourcesAndJobs()
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Cluster.BaseUrl) };
        var anonymous = await http.GetAsync(new Uri("/admin", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.EndsWith("/admin/login", anonymous.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);

        var refused = await SignInAsync(http, Cluster.WorkerKey);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That is not a valid admin key.", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var id = await Cluster.SubmitAsync("host.processors=1", "true");
        await Cluster.WaitForJobAsync(id);
        var page = await SignInAsync(http, Cluster.AdminKey);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<tr data-worker=\"w1\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-worker=\"w2\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-resource=\"global.maya\"><td>global.maya</td><td class=\"num\">1</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr data-job=\"{id}\">", html, StringComparison.Ordinal);
        Assert.Contains("/admin/cluster/live", html, StringComparison.Ordinal);

        var live = await http.GetStringAsync(new Uri("/admin/cluster/live", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains($"<tr data-job=\"{id}\">", live, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", live, StringComparison.Ordinal);
    }
}
