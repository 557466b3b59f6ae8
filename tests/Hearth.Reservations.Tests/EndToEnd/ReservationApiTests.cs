using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Reservations.Tests.EndToEnd;

[Collection(ReservationClusterGroup.Name)]
public sealed class ReservationApiTests(ReservationCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task OnlyAnAdminKeyMayUseTheReservationsApi()
    {
        using var anonymous = cluster.Client(null);
        using var account = await cluster.UserAsync("api-carol");
        const string Body = """{"calling_user": "api-carol", "algorithm": "api-carol/x", "version_type": "latest_public", "count": 1}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Json(Body), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(new Uri("/v1/admin/reservations/1", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await account.GetAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await account.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Json(Body), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await account.DeleteAsync(new Uri("/v1/admin/reservations/1", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Admin.GetAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnInvalidReservationIsA400NamingEveryBadFieldAndItsReason()
    {
        var response = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative),
            Json("""{"calling_user": "nobody", "algorithm": "acme/model/1.2", "version_type": "semver", "count": 4.5}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["algorithm", "calling_user", "count"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("algorithm \"acme/model/1.2\": version_type semver needs X.Y.Z, and version \"1.2\" must be MAJOR.MINOR.PATCH, three numbers, e.g. 1.0.0",
            errors.GetProperty("algorithm")[0].GetString());
        Assert.Equal("count \"4.5\" is not an integer; give a positive whole number such as 1", errors.GetProperty("count")[0].GetString());
        Assert.Contains("count \"4.5\" is not an integer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var unknown = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative),
            Json("""{"calling_user": "nobody", "algorithm": "nobody/model", "version_type": "latest_public", "count": "2"}"""), Ct);
        var unknownErrors = (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal("calling_user \"nobody\" is not an account or organization; create it first", unknownErrors.GetProperty("calling_user")[0].GetString());
        Assert.Equal("algorithm nobody/model does not exist", unknownErrors.GetProperty("algorithm")[0].GetString());

        var malformed = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Json("{\"count\": "), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("the body is not valid JSON at $.count (line 1, byte 11): ",
            (await malformed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReservationIsCreatedReadChangedAndDeleted()
    {
        using var dana = await cluster.UserAsync("api-dana");
        await cluster.PublishAsync("api-dana/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");

        var created = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative),
            Json("""{"calling_user": "api-dana", "algorithm": "api-dana/echo", "version_type": "latest_public", "count": 2}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = (await created.Content.ReadFromJsonAsync<ReservationView>(ApiJson.Options, Ct))!;
        await using var cleanup = cluster.Removing(view.Id);
        Assert.Equal($"/v1/admin/reservations/{view.Id}", created.Headers.Location!.ToString());
        Assert.Equal(("api-dana", "api-dana/echo", "latest_public", 2, 2), (view.CallingUser, view.Algorithm, view.VersionType, view.Count, view.Status.Desired));
        await cluster.WaitForStateAsync(view.Id, ReservationStates.Ready);

        var duplicate = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative),
            Json("""{"calling_user": "api-dana", "algorithm": "api-dana/echo", "version_type": "latest_public", "count": 1}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal($"calling_user api-dana already has reservation {view.Id} keeping api-dana/echo latest_public warm; change its count instead of adding another",
            (await duplicate.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("algorithm")[0].GetString());

        var patched = await cluster.Admin.PatchAsync(new Uri($"/v1/admin/reservations/{view.Id}", UriKind.Relative), Json("""{"count": 1}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await cluster.WaitUntilAsync("one instance to be released", async () =>
            (await cluster.InstancesAsync("api-dana")).Count(i => i.Reserved) == 1 && (await cluster.ReservationAsync(view.Id)).Status is { Desired: 1, Ready: 1 });
        var badPatch = await cluster.Admin.PatchAsync(new Uri($"/v1/admin/reservations/{view.Id}", UriKind.Relative), Json("""{"count": 0}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPatch.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await cluster.Admin.DeleteAsync(new Uri($"/v1/admin/reservations/{view.Id}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Admin.DeleteAsync(new Uri($"/v1/admin/reservations/{view.Id}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Admin.GetAsync(new Uri("/v1/admin/reservations/abc", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task TheReservationsApiIsInTheOpenApiDocument()
    {
        using var anonymous = cluster.Client(null);
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = document.GetProperty("paths");
        var list = paths.GetProperty("/v1/admin/reservations");
        var one = paths.GetProperty("/v1/admin/reservations/{id}");
        Assert.True(list.TryGetProperty("get", out _) && list.TryGetProperty("post", out _));
        Assert.True(one.TryGetProperty("delete", out _) && one.TryGetProperty("patch", out _));
        Assert.Equal("Reservations", list.GetProperty("post").GetProperty("tags")[0].GetString());
    }
}
