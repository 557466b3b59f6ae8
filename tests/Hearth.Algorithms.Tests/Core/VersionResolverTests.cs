using Hearth.Core.Algorithms;
using Hearth.Core.Resources;

namespace Hearth.Algorithms.Tests.Core;

public sealed class VersionResolverTests
{
    // acme/model: an organization's algorithm; alice is a member of acme, bob is not.
    private const string H1 = "1111111111111111111111111111111111111111"; // 1.0.0 public
    private const string H2 = "2222222222222222222222222222222222222222"; // 1.1.0 private
    private const string H3 = "3333333333333333333333333333333333333333"; // 1.2.0 public
    private const string H4 = "4444444444444444444444444444444444444444"; // 2.0.0 public
    private const string H5 = "5555555555555555555555555555555555555555"; // 2.1.0 private
    private const string H6 = "6666666666666666666666666666666666666666"; // pushed last, unpublished
    private const string Unknown = "9999999999999999999999999999999999999999";

    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly AlgorithmEntry Model = Entry(
        [H1, H2, H3, H4, H5, H6],
        [("1.0.0", H1, Visibility.Public), ("1.1.0", H2, Visibility.Private), ("1.2.0", H3, Visibility.Public),
         ("2.0.0", H4, Visibility.Public), ("2.1.0", H5, Visibility.Private)]);

    private static readonly Dictionary<string, Caller> Callers = new()
    {
        ["alice"] = Caller.Of("alice", ["acme"]),
        ["bob"] = Caller.Of("bob", ["other-org"]),
        ["acme"] = Caller.Of("acme", []),
    };

    public static TheoryData<string?, string, string> Table => new()
    {
        // reference, caller, expected: "HASH VERSION" / "HASH -" on success, "STATUS fragment" on refusal
        { null, "bob", $"{H4} 2.0.0" },
        { "latest", "bob", $"{H4} 2.0.0" },
        { "latest", "alice", $"{H4} 2.0.0" },
        { "latestPrivate", "alice", $"{H5} 2.1.0" },
        { "latestPrivate", "acme", $"{H5} 2.1.0" },
        { "latestPrivate", "bob", "403 latestPrivate of acme/model is for members of acme only, and bob is not one" },
        { "1.0.0", "bob", $"{H1} 1.0.0" },
        { "1.1.0", "alice", $"{H2} 1.1.0" },
        { "1.1.0", "bob", "403 version 1.1.0 of acme/model is private to members of acme, and bob is not one" },
        { "3.0.0", "alice", "404 acme/model has no version 3.0.0" },
        { "1.2", "bob", $"{H3} 1.2.0" },
        { "1.2.*", "bob", $"{H3} 1.2.0" },
        { "1", "bob", $"{H3} 1.2.0" },
        { "1.*", "alice", $"{H3} 1.2.0" },
        { "2.*", "alice", $"{H4} 2.0.0" },
        { "1.1", "bob", "404 acme/model has no public version matching 1.1" },
        { "1.1", "alice", "404 acme/model has no public version matching 1.1" },
        { "7", "alice", "404 acme/model has no public version matching 7" },
        { H1, "bob", $"{H1} 1.0.0" },
        { H1.ToUpperInvariant(), "bob", $"{H1} 1.0.0" },
        { H2, "alice", $"{H2} 1.1.0" },
        { H2, "bob", $"403 build {H2} of acme/model is not published public; only members of acme may call it, and bob is not one" },
        { H6, "alice", $"{H6} -" },
        { H6, "acme", $"{H6} -" },
        { H6, "bob", $"403 build {H6} of acme/model is not published public" },
        { Unknown, "alice", $"404 acme/model has no build {Unknown}" },
        { Unknown, "bob", $"404 acme/model has no build {Unknown}" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void ReferencesResolveOrAreRefusedExactlyAsTheAccessTableSays(string? reference, string caller, string expected)
    {
        var resolution = VersionResolver.Resolve(Model, VersionReference.Parse(reference), Callers[caller]);
        var actual = resolution.Build is { } build
            ? $"{build.Hash} {build.Version?.ToString() ?? "-"}"
            : $"{resolution.Refusal!.StatusCode} {resolution.Refusal.Message}";
        if (expected.StartsWith('4'))
        {
            Assert.StartsWith(expected, actual, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void AnAlgorithmWithoutPublicVersionsRefusesLatestWithAHintForMembers()
    {
        var unpublished = Entry([H1, H2], [("0.1.0", H2, Visibility.Private)]);
        var member = VersionResolver.Resolve(unpublished, VersionReference.Latest, Callers["alice"]).Refusal!;
        var stranger = VersionResolver.Resolve(unpublished, VersionReference.Latest, Callers["bob"]).Refusal!;
        Assert.Equal((404, "acme/model has no public version; call acme/model/latestPrivate or a version to reach a private one"), (member.StatusCode, member.Message));
        Assert.Equal((404, "acme/model has no public version"), (stranger.StatusCode, stranger.Message));
    }

    [Fact]
    public void LatestPrivateWithNoPrivateVersionIsNotFound()
    {
        var onlyPublic = Entry([H1], [("1.0.0", H1, Visibility.Public)]);
        var refusal = VersionResolver.Resolve(onlyPublic, VersionReference.Parse("latestPrivate"), Callers["alice"]).Refusal!;
        Assert.Equal((404, "acme/model has no private version"), (refusal.StatusCode, refusal.Message));
    }

    [Fact]
    public void AHashPublishedPublicReportsTheHighestPublicVersionToStrangersAndTheHighestToMembers()
    {
        // The same build published privately as 1.0.0, then promoted public as 1.0.1, then privately again as 1.1.0.
        var promoted = Entry([H1], [("1.0.0", H1, Visibility.Private), ("1.0.1", H1, Visibility.Public), ("1.1.0", H1, Visibility.Private)]);
        Assert.Equal(new SemanticVersion(1, 0, 1), VersionResolver.Resolve(promoted, VersionReference.Parse(H1), Callers["bob"]).Build!.Version);
        Assert.Equal(new SemanticVersion(1, 1, 0), VersionResolver.Resolve(promoted, VersionReference.Parse(H1), Callers["alice"]).Build!.Version);
    }

    [Fact]
    public void TheLatestBuildIsTheMostRecentlyPushedPublishedOrNot() =>
        Assert.Equal(H6, Model.LatestBuild!.Hash);

    public static TheoryData<string, string, string?> PublishTable => new()
    {
        // hash, version, expected refusal (null when allowed)
        { H6, "2.1.1", null },
        { H6, "3.0.0", null },
        { H6, "2.1.0", "409 acme/model version 2.1.0 is already published; versions are immutable" },
        { H6, "2.0.5", "409 version 2.0.5 is lower than acme/model's latest version 2.1.0; versions only increase" },
        { H1, "9.0.0", null },
        { Unknown, "9.0.0", $"404 acme/model has no build {Unknown}; push it first" },
    };

    [Theory]
    [MemberData(nameof(PublishTable))]
    public void PublishingNeedsAKnownBuildAndAStrictlyHigherVersion(string hash, string version, string? expected)
    {
        var refusal = AlgorithmRules.CheckPublish(Model, hash, SemanticVersion.Parse(version));
        Assert.Equal(expected, refusal is null ? null : $"{refusal.StatusCode} {refusal.Message}");
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("acme", true)]
    [InlineData("bob", false)]
    public void OnlyMembersOfTheOwnerMayPushOrPublish(string caller, bool allowed)
    {
        var refusal = AlgorithmRules.CheckManage(Model.Name, Callers[caller], "publish");
        Assert.Equal(allowed, refusal is null);
        if (!allowed)
        {
            Assert.Equal((403, "only members of acme may publish acme/model, and bob is not one"), (refusal!.StatusCode, refusal.Message));
        }
    }

    internal static AlgorithmEntry Entry(string[] hashes, (string Version, string Hash, Visibility Visibility)[] versions)
    {
        var manifest = new AlgorithmManifest(["python3", "main.py"], ResourceRequest.Parse("host.processors=1"), null);
        return new AlgorithmEntry(
            new AlgorithmName("acme", "model"),
            [.. hashes.Select((h, i) => new AlgorithmBuild(h, manifest, T0.AddMinutes(i)))],
            [.. versions.Select((v, i) => new AlgorithmVersion(SemanticVersion.Parse(v.Version), v.Hash, v.Visibility, T0.AddHours(i)))]);
    }
}
