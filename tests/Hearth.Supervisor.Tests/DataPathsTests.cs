using Hearth.Core.Algorithms;
using Hearth.Supervisor.Data;

namespace Hearth.Supervisor.Tests;

public sealed class DataPathsTests
{
    private static readonly DataCaller Bob = new(Caller.Of("bob", []), null, null);
    private static readonly DataCaller BobInAcme = new(Caller.Of("bob", []), "inst-1", new AlgorithmName("acme", "model"));
    private static readonly DataCaller Admin = new(null, null, null);

    [Theory]
    [InlineData("data://alice/models/w.bin", "Collection", "alice/models/w.bin", "alice", "alice/models")]
    [InlineData("alice/models/", "Collection", "alice/models", "alice", "alice/models")]
    [InlineData("alice", "Account", "alice", "alice", null)]
    [InlineData(".my/results/out.txt", "Collection", "bob/results/out.txt", "bob", "bob/results")]
    [InlineData(".algo/acme/model/temp/x", "Private", ".algo/bob/acme/model/temp/x", "bob", ".algo/bob/acme/model/temp")]
    [InlineData(".algo/acme/model/perm", "Private", ".algo/bob/acme/model/perm", "bob", ".algo/bob/acme/model/perm")]
    public void APathResolvesForItsCaller(string raw, string area, string path, string owner, string? root)
    {
        var location = DataPaths.Resolve(raw, Bob, null);

        Assert.Equal((Enum.Parse<DataArea>(area), path, owner, root), (location.Area, location.Path, location.Owner, location.Root));
    }

    [Fact]
    public void InsideAnInstanceAlgoTempIsItsOwnAlgorithmAndSessionIsItsCall()
    {
        Assert.Equal(".algo/bob/acme/model/temp/x", DataPaths.Resolve(".algo/temp/x", BobInAcme, "inst-1").Path);
        Assert.Equal(".session/inst-1/s.txt", DataPaths.Resolve(".session/s.txt", BobInAcme, "inst-1").Path);
    }

    [Theory]
    [InlineData("alice/c/../x", "has a \"..\" segment")]
    [InlineData("alice/c/./x", "has a \".\" segment")]
    [InlineData("alice//c", "has an empty segment")]
    [InlineData("alice/c/a\u0001b", "has a control character in \"a?b\"")]
    [InlineData("alice/c/a\u007fb", "has a control character")]
    [InlineData("al ice/c", "account name \"al ice\" may hold only")]
    [InlineData(".hidden/c", "is not a data area")]
    [InlineData(".algo/acme/x", "an algorithm's data is .algo/OWNER/NAME/temp")]
    [InlineData(".algo/temp/x", ".algo/temp names the running algorithm")]
    [InlineData(".session/x", ".session exists only inside an algorithm call")]
    public void ABadPathIsRefusedWithA400SayingWhy(string raw, string expected)
    {
        var refused = Assert.Throws<DataRefusedException>(() => DataPaths.Resolve(raw, Bob, null));

        Assert.Equal(400, refused.Status);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APathIsAtMostOneThousandAndTwentyFourBytesOfUtf8()
    {
        var fits = "alice/c/" + new string('x', 1024 - 8);

        Assert.Equal(fits, DataPaths.Resolve(fits, Bob, null).Path);
        Assert.Equal(400, Assert.Throws<DataRefusedException>(() => DataPaths.Resolve(fits + "x", Bob, null)).Status);
    }

    [Fact]
    public void AnAdminKeyHasNoMyButReachesNamedCollections()
    {
        Assert.Contains("an admin key has no account", Assert.Throws<DataRefusedException>(() => DataPaths.Resolve(".my/c", Admin, null)).Message, StringComparison.Ordinal);
        Assert.Equal("alice/c", DataPaths.Resolve("alice/c", Admin, null).Path);
    }
}
