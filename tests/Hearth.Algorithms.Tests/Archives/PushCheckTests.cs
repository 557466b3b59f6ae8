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
    /// <summary>Pushes an archive to <paramref name="algorithm"/>, claiming <paramref name="hash"/> if given.</summary>
    private async Task<(HttpStatusCode Status, string Body)> PushAsync(byte[] archive, string? hash = null, string algorithm = "acme/tarball")
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var query = hash is null ? "source=content" : $"hash={hash}&source=content";
        using var response = await fixture.Cluster.Admin.PostAsync(new Uri($"/v1/algorithms/{algorithm}/builds?{query}", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Detail(string body) => JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;

    private static string Hash(string body) => JsonDocument.Parse(body).RootElement.GetProperty("hash").GetString()!;

    private string Store => Path.Combine(fixture.Cluster.DataDirectory, "builds");

    [Theory]
    [MemberData(nameof(ArchiveCases.Refused), MemberType = typeof(ArchiveCases))]
    public async Task AForbiddenEntryIsRefusedWithA400NamingItAndNothingIsStored(string name)
    {
        var (_, entry, why) = ArchiveCases.Cases[name];
        var before = Directory.GetFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Length;

        var (status, body) = await PushAsync(ArchiveCases.Refusing(name));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = Detail(body);
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

    [Fact]
    public async Task TheSupervisorNamesABuildByTheHashOfItsContentAndRefusesAClaimThatDiffers()
    {
        var archive = ArchiveCases.WithManifest("""{"entrypoint": ["echo", "claimed"], "reservations": "host.processors=1"}""");
        var (status, body) = await PushAsync(archive);
        Assert.True(status == HttpStatusCode.Created, body);
        var hash = Hash(body);
        var before = Directory.GetFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Length;

        var (again, againBody) = await PushAsync(archive, hash);
        var (wrong, wrongBody) = await PushAsync(archive, new string('0', 40));

        Assert.True(again == HttpStatusCode.OK, againBody);
        Assert.Equal(hash, Hash(againBody));
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal(
            $"hash {new string('0', 40)} does not match the build's content, whose hash is {hash}; nothing was stored",
            Detail(wrongBody));
        Assert.Equal(before, Directory.GetFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task NobodyCanStoreOtherContentUnderTheHashOfAnotherAccountsBuild()
    {
        await fixture.Cluster.AccountAsync("mallory");
        var real = ArchiveCases.WithManifest("""{"entrypoint": ["echo", "real"], "reservations": "host.processors=1"}""");
        var (status, body) = await PushAsync(real, algorithm: "acme/victim");
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, body);
        var hash = Hash(body);

        // The squatter claims the victim's hash for its own content, before and after the victim's push.
        var (squat, squatBody) = await PushAsync(ArchiveCases.WithManifest("""{"entrypoint": ["sh", "-c", "evil"], "reservations": "host.processors=1"}"""), hash, "mallory/squat");
        var (repush, repushBody) = await PushAsync(real, hash, "acme/victim2");

        Assert.Equal(HttpStatusCode.BadRequest, squat);
        Assert.StartsWith($"hash {hash} does not match the build's content, whose hash is ", Detail(squatBody), StringComparison.Ordinal);
        Assert.DoesNotContain("acme", squatBody, StringComparison.Ordinal);
        Assert.True(repush == HttpStatusCode.Created, repushBody);
        Assert.Equal(hash, Hash(repushBody));
        Assert.DoesNotContain("mallory", repushBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASparseArchiveFromTarIsRefusedNamingTheEntryType()
    {
        var directory = Directory.CreateTempSubdirectory("hearth-sparse-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "hearth.json"), """{"entrypoint": ["true"], "reservations": "host.processors=1"}""", TestContext.Current.CancellationToken);
            await using (var holey = File.Create(Path.Combine(directory.FullName, "holes.bin")))
            {
                holey.SetLength(1 << 20);
                holey.Position = holey.Length - 1;
                holey.WriteByte(1);
            }

            var archive = Path.Combine(directory.FullName, "..", $"{directory.Name}.tar.gz");
            var tar = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["--sparse", "-czf", archive, "-C", directory.FullName, "hearth.json", "holes.bin"]))!;
            await tar.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, tar.ExitCode);

            var (status, body) = await PushAsync(await File.ReadAllBytesAsync(archive, TestContext.Current.CancellationToken));
            File.Delete(archive);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(
                "the build archive holds a sparse file (as tar --sparse writes); a build holds only regular files, directories and symbolic links: pack it without --sparse",
                Detail(body));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
