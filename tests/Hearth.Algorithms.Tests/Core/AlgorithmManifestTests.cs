using Hearth.Core.Algorithms;

namespace Hearth.Algorithms.Tests.Core;

public sealed class AlgorithmManifestTests
{
    [Fact]
    public void AFullManifestParsesIntoItsCommandsAndReservation()
    {
        var manifest = AlgorithmManifest.Parse("""
            {"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1, host.memory=512", "build": ["sh", "build.sh"]}
            """);
        Assert.Equal(["python3", "main.py"], manifest.Entrypoint);
        Assert.Equal("host.processors=1,host.memory=512", manifest.Resources.Text);
        Assert.Equal(["sh", "build.sh"], manifest.Build!);
    }

    [Fact]
    public void TheBuildCommandIsOptional() =>
        Assert.Null(AlgorithmManifest.Parse("""{"entrypoint": ["./run"], "reservations": "host.processors=2"}""").Build);

    [Fact]
    public void AManifestSurvivesARoundTripThroughItsJson()
    {
        var manifest = AlgorithmManifest.Parse("""{"entrypoint": ["dotnet", "app/x.dll"], "reservations": "host.memory=256,global.gpu=1", "build": ["make"]}""");
        Assert.Equal(manifest, AlgorithmManifest.Parse(manifest.ToJson()));
    }

    [Theory]
    [InlineData("", "hearth.json is not valid JSON")]
    [InlineData("[1]", "hearth.json must hold a JSON object")]
    [InlineData("""{"reservations": "host.processors=1"}""", "\"entrypoint\" is missing")]
    [InlineData("""{"entrypoint": "python3 main.py", "reservations": "host.processors=1"}""", "\"entrypoint\" must be an argv array of strings")]
    [InlineData("""{"entrypoint": [], "reservations": "host.processors=1"}""", "\"entrypoint\" is empty")]
    [InlineData("""{"entrypoint": ["python3", 3], "reservations": "host.processors=1"}""", "\"entrypoint\" item 2 is not a string")]
    [InlineData("""{"entrypoint": [""], "reservations": "host.processors=1"}""", "\"entrypoint\" names an empty program")]
    [InlineData("""{"entrypoint": ["a"]}""", "\"reservations\" is missing")]
    [InlineData("""{"entrypoint": ["a"], "reservations": 4}""", "\"reservations\" must be a string")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=2+"}""", "\"reservations\": item \"host.processors=2+\": only plain counts (N) are allowed here")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=1-4"}""", "only plain counts (N) are allowed here")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.memory=abc"}""", "\"reservations\": item 1 \"host.memory=abc\": quantity \"abc\" is not an integer")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=1", "build": "make"}""", "\"build\" must be an argv array")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=1", "entry_point": ["b"]}""", "unknown field \"entry_point\"")]
    public void BadManifestsAreRefusedNamingTheField(string json, string reason)
    {
        var e = Assert.Throws<AlgorithmFormatException>(() => AlgorithmManifest.Parse(json));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
