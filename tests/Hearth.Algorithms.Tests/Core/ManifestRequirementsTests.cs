using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Algorithms.Tests.Core;

/// <summary>A manifest's requirements: parsed with the job language, kept in its JSON, and carried to its instances' placement.</summary>
public sealed class ManifestRequirementsTests
{
    [Fact]
    public void AManifestsRequirementsParseAndSurviveARoundTrip()
    {
        var manifest = AlgorithmManifest.Parse("""{"entrypoint": ["./serve"], "reservations": "host.processors=1", "requirements": "'gpu' in host.groups"}""");

        Assert.Equal("\"gpu\" in host.groups", manifest.Requirements!.Text);
        Assert.Equal(manifest, AlgorithmManifest.Parse(manifest.ToJson()));
        Assert.Null(AlgorithmManifest.Parse("""{"entrypoint": ["./serve"], "reservations": "host.processors=1"}""").Requirements);
    }

    [Theory]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=1", "requirements": 3}""", "hearth.json: \"requirements\" must be a string")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=1", "requirements": "gpu in host.groups"}""", "hearth.json: \"requirements\": column 1: unknown name gpu")]
    public void BadRequirementsAreRefusedNamingTheFieldAndColumn(string json, string reason)
    {
        var e = Assert.Throws<AlgorithmFormatException>(() => AlgorithmManifest.Parse(json));
        Assert.StartsWith(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInstanceTemplatesRequirementsPlaceItOnlyOnAGpuWorker()
    {
        var requirement = Requirement.Parse("\"gpu\" in host.groups");
        var template = new InstanceTemplate(AlgorithmName.Parse("ana/model"), new string('a', 40), null, ResourceRequest.Parse("host.processors=1"), requirement);
        var cluster = new Cluster();
        foreach (var (name, groups) in new[] { ("cpu1", Array.Empty<string>()), ("gpu1", ["gpu"]) })
        {
            var host = cluster.AddHost(name, new Dictionary<ResourceName, int> { [ResourceName.Processors] = 4 });
            cluster.Ledger.SetProperties(host, new HostProperties(name, "linux", "x86_64", "", groups, ""));
        }

        cluster.Submit(new WorkRequest("i1", template.Resources, 1, 1, template.Requirements));
        var plan = PlacementEngine.Decide(cluster);

        Assert.Equal("gpu1", Assert.Single(plan.Decisions).Host);
    }
}
