using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hearth.Algorithms.Tests.EndToEnd;

namespace Hearth.Algorithms.Tests.Archives;

/// <summary>A real supervisor, one per class, with the account the pushes go to.</summary>
public sealed class PushCluster : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartInProcessAsync(workers: 0);
        await Cluster.AccountAsync("acme", org: true);
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The supervisor reads a pushed archive whole and refuses it, by entry, before storing anything.</summary>
public sealed class PushCheckTests(PushCluster fixture) : IClassFixture<PushCluster>
{
    private static int _pushes;

    private async Task<(HttpStatusCode Status, string Body)> PushAsync(byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var hash = Interlocked.Increment(ref _pushes).ToString("x40", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await fixture.Cluster.Admin.PostAsync(new Uri($"/v1/algorithms/acme/tarball/builds?hash={hash}&source=content", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private string Store => Path.Combine(fixture.Cluster.DataDirectory, "builds");

    [Theory]
    [MemberData(nameof(ArchiveCases.Refused), MemberType = typeof(ArchiveCases))]
    public async Task AForbiddenEntryIsRefusedWithA400NamingItAndNothingIsStored(string name)
    {
        var (_, entry, why) = ArchiveCases.Cases[name];
        var before = Directory.GetFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Length;

        var (status, body) = await PushAsync(ArchiveCases.Refusing(name));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith($"the build archive's entry \"{entry}\" ", detail, StringComparison.Ordinal);
        Assert.Contains(why, detail, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task AnAllowedArchiveIsStored()
    {
        var (status, body) = await PushAsync(ArchiveCases.Allowed());

        Assert.True(status == HttpStatusCode.Created, body);
    }
}
