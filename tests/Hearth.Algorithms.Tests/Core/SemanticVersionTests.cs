using Hearth.Core.Algorithms;

namespace Hearth.Algorithms.Tests.Core;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("0.0.0", 0, 0, 0)]
    [InlineData("1.2.3", 1, 2, 3)]
    [InlineData("10.20.30", 10, 20, 30)]
    [InlineData("2147483647.0.1", int.MaxValue, 0, 1)]
    public void ValidVersionsParseIntoTheirParts(string text, int major, int minor, int patch)
    {
        Assert.Equal(new SemanticVersion(major, minor, patch), SemanticVersion.Parse(text));
        Assert.Equal(text, SemanticVersion.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "version is empty")]
    [InlineData("1.2", "must be MAJOR.MINOR.PATCH")]
    [InlineData("1.2.3.4", "must be MAJOR.MINOR.PATCH")]
    [InlineData("1..3", "a part is empty")]
    [InlineData("1.2.x", "part \"x\" is not a non-negative integer")]
    [InlineData("-1.2.3", "part \"-1\" is not a non-negative integer")]
    [InlineData("1.02.3", "part \"02\" has a leading zero")]
    [InlineData("1.2.3-beta", "part \"3-beta\" is not a non-negative integer")]
    [InlineData("99999999999.0.0", "part \"99999999999\" is too large")]
    public void InvalidVersionsAreRefusedWithTheReason(string text, string reason)
    {
        var e = Assert.Throws<AlgorithmFormatException>(() => SemanticVersion.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.3", "1.2.4")]
    [InlineData("1.2.9", "1.10.0")]
    [InlineData("1.99.99", "2.0.0")]
    [InlineData("0.0.9", "0.0.10")]
    public void VersionsOrderNumericallyPartByPart(string lower, string higher)
    {
        Assert.True(SemanticVersion.Parse(lower) < SemanticVersion.Parse(higher));
        Assert.True(SemanticVersion.Parse(higher) > SemanticVersion.Parse(lower));
    }
}

public sealed class VersionReferenceTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef01234567";

    [Theory]
    [InlineData(null, VersionReferenceKind.LatestPublic)]
    [InlineData("", VersionReferenceKind.LatestPublic)]
    [InlineData("latest", VersionReferenceKind.LatestPublic)]
    [InlineData("latestPrivate", VersionReferenceKind.LatestPrivate)]
    [InlineData("LATESTPRIVATE", VersionReferenceKind.LatestPrivate)]
    [InlineData("1.2.3", VersionReferenceKind.Exact)]
    [InlineData("1.2", VersionReferenceKind.Partial)]
    [InlineData("1.2.*", VersionReferenceKind.Partial)]
    [InlineData("1", VersionReferenceKind.Partial)]
    [InlineData("1.*", VersionReferenceKind.Partial)]
    [InlineData(Hash, VersionReferenceKind.Hash)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567", VersionReferenceKind.Hash)]
    public void EachFormParsesToItsKind(string? text, VersionReferenceKind kind) =>
        Assert.Equal(kind, VersionReference.Parse(text).Kind);

    [Theory]
    [InlineData("1.2", 1, 2)]
    [InlineData("1.2.*", 1, 2)]
    [InlineData("3", 3, null)]
    [InlineData("3.*", 3, null)]
    public void PartialVersionsKeepTheirMajorAndMinor(string text, int major, int? minor)
    {
        var reference = VersionReference.Parse(text);
        Assert.Equal(major, reference.Major);
        Assert.Equal(minor, reference.Minor);
    }

    [Fact]
    public void HashesAreKeptInLowerCase() =>
        Assert.Equal(Hash, VersionReference.Parse(Hash.ToUpperInvariant()).Hash);

    [Theory]
    [InlineData("newest", "is not latest, latestPrivate, a version")]
    [InlineData("1.2.3.4", "is not latest, latestPrivate, a version")]
    [InlineData("*", "is not latest, latestPrivate, a version")]
    [InlineData("1.*.*", "part \"*\" is not a non-negative integer")]
    [InlineData("1.2.3.*", "is not latest, latestPrivate, a version")]
    [InlineData("01.2", "part \"01\" has a leading zero")]
    [InlineData("0123456789abcdef0123456789abcdef0123456", "is not latest, latestPrivate, a version")]
    [InlineData("0123456789abcdef0123456789abcdef0123456g", "is not latest, latestPrivate, a version")]
    public void MalformedReferencesAreRefusedWithTheReason(string text, string reason)
    {
        var e = Assert.Throws<AlgorithmFormatException>(() => VersionReference.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme/model", "acme", "model", VersionReferenceKind.LatestPublic)]
    [InlineData("acme/model/1.2.3", "acme", "model", VersionReferenceKind.Exact)]
    [InlineData("acme/model/latestPrivate", "acme", "model", VersionReferenceKind.LatestPrivate)]
    public void AlgorithmPathsSplitIntoNameAndReference(string text, string owner, string name, VersionReferenceKind kind)
    {
        var path = AlgorithmPath.Parse(text);
        Assert.Equal(new AlgorithmName(owner, name), path.Algorithm);
        Assert.Equal(kind, path.Version.Kind);
    }

    [Theory]
    [InlineData("acme", "must be written OWNER/NAME")]
    [InlineData("acme/model/1.0.0/extra", "must be written OWNER/NAME")]
    [InlineData("/model", "owner is empty")]
    [InlineData("acme/", "algorithm name is empty")]
    [InlineData("ac me/model", "may hold only letters")]
    [InlineData("-acme/model", "must start with a letter or digit")]
    public void MalformedAlgorithmPathsAreRefused(string text, string reason)
    {
        var e = Assert.Throws<AlgorithmFormatException>(() => AlgorithmPath.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
