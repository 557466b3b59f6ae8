using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Hearth.Reservations.Tests.EndToEnd;

/// <summary>Algorithmia's admin scripts against <c>/v1/admin/reservations</c>: its body, its listed fields, the bare admin key.</summary>
[Collection(ReservationClusterGroup.Name)]
public sealed class AlgorithmiaReservationTests(ReservationCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>An admin client that sends the key as Algorithmia's scripts do: bare, with no scheme.</summary>
    private HttpClient BareAdmin()
    {
        var client = cluster.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", cluster.AdminKey);
        return client;
    }

    [Fact]
    public async Task AnAlgorithmiaShapedReservationIsCreatedListedWithAlgorithmiasFieldsAndDeletedByItsId()
    {
        using var erin = await cluster.UserAsync("algo-erin");
        var hash = await cluster.PublishAsync("algo-erin/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        using var admin = BareAdmin();

        var created = await admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Json("""
            {"username": "algo-erin", "algoname": "echo", "calling_user": "algo-erin", "version_type": "semver", "num_slots": 1, "version_identifier": "1.0.0"}
            """), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reservation_id").GetString()!;
        await cluster.WaitForStateAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), "ready");

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/v1/admin/reservations", Ct)).GetProperty("reservations").EnumerateArray()
            .Single(r => r.GetProperty("reservation_id").GetString() == id);
        Assert.Equal(("algo-erin", "echo", "algo-erin", "semver", 1, hash, "algo-erin/echo/1.0.0", 1),
            (listed.GetProperty("username").GetString(), listed.GetProperty("algoname").GetString(), listed.GetProperty("calling_user").GetString(),
             listed.GetProperty("version_type").GetString(), listed.GetProperty("num_slots").GetInt32(), listed.GetProperty("version_hash").GetString(),
             listed.GetProperty("algorithm").GetString(), listed.GetProperty("count").GetInt32()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/v1/admin/reservations/{id}", UriKind.Relative), Ct)).StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/reservations", Ct);
        Assert.DoesNotContain(after.GetProperty("reservations").EnumerateArray(), r => r.GetProperty("reservation_id").GetString() == id);
    }

    [Theory]
    [InlineData("""{"username": "algo-erin", "algoname": "echo", "calling_user": "algo-erin", "version_type": "Latest", "num_slots": 1}""",
        "version_type", "version_type \"Latest\" is not one of latest_public, latest_private, latest_compiled, semver or hash")]
    [InlineData("""{"username": "algo-erin", "calling_user": "algo-erin", "version_type": "latest_public", "num_slots": 1}""",
        "algorithm", "username (the algorithm's owner) and algoname are both required in Algorithmia's shape")]
    [InlineData("""{"username": "algo-erin", "algoname": "echo", "algorithm": "algo-erin/echo", "calling_user": "algo-erin", "version_type": "latest_public", "num_slots": 1}""",
        "algorithm", "give either algorithm (OWNER/NAME[/VERSION]) or Algorithmia's username, algoname and version_identifier, not both")]
    [InlineData("""{"username": "algo-erin", "algoname": "echo", "calling_user": "algo-erin", "version_type": "latest_public", "num_slots": 1, "count": 1}""",
        "count", "give either count or Algorithmia's num_slots, not both")]
    public async Task AWrongAlgorithmiaShapedBodyIsA400SayingWhatIsWrong(string body, string field, string message)
    {
        using var admin = BareAdmin();
        var response = await admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
