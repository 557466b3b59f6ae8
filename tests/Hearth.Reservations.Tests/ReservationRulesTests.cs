using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class ReservationRulesTests
{
    private static readonly string Public = HashOf(1);
    private static readonly string Private = HashOf(2);
    private static readonly string Unpublished = HashOf(3);
    private static readonly string Missing = HashOf(9);

    private readonly TestCatalog _catalog = Standard();

    private ReservationCheck Check(string? user, string? algorithm, string? type, string? count, IEnumerable<ReservationDefinition>? existing = null) =>
        ReservationRules.Check(new ReservationRequest(user, algorithm, type, count), "r-1", _catalog, existing ?? [], T0);

    public static TheoryData<string?, string?, string?, string?, string, string> Refusals => new()
    {
        // calling_user
        { null, "acme/model", "latest_public", "1", "calling_user", "calling_user is required: the account whose calls the instances serve" },
        { " ", "acme/model", "latest_public", "1", "calling_user", "calling_user is required: the account whose calls the instances serve" },
        { "al ice", "acme/model", "latest_public", "1", "calling_user", "calling_user \"al ice\" may hold only letters, digits, '_' and '-'" },
        { "carol", "acme/model", "latest_public", "1", "calling_user", "calling_user \"carol\" is not an account or organization; create it first" },

        // algorithm: form
        { "alice", null, "latest_public", "1", "algorithm", "algorithm is required: write OWNER/NAME, or OWNER/NAME/VERSION for version_type semver or hash" },
        { "alice", "model", "latest_public", "1", "algorithm", "algorithm \"model\" must be written OWNER/NAME or OWNER/NAME/VERSION" },
        { "alice", "acme/model/1.0.0/x", "semver", "1", "algorithm", "algorithm \"acme/model/1.0.0/x\" must be written OWNER/NAME or OWNER/NAME/VERSION" },
        { "alice", "ac me/model", "latest_public", "1", "algorithm", "algorithm \"ac me/model\": owner \"ac me\" may hold only letters, digits, '_' and '-'" },
        { "alice", "acme/", "latest_public", "1", "algorithm", "algorithm \"acme/\": algorithm name is empty" },
        { "alice", "acme/model/", "semver", "1", "algorithm", "algorithm \"acme/model/\" ends with '/': write acme/model or acme/model/VERSION" },

        // algorithm against version_type: latest_* take no version, semver and hash need one of the right form
        { "alice", "acme/model/1.0.0", "latest_public", "1", "algorithm", "algorithm \"acme/model/1.0.0\" names version \"1.0.0\", but version_type latest_public takes no version: write acme/model, or choose version_type semver or hash" },
        { "alice", "acme/model/1.1.0", "latest_private", "1", "algorithm", "algorithm \"acme/model/1.1.0\" names version \"1.1.0\", but version_type latest_private takes no version: write acme/model, or choose version_type semver or hash" },
        { "alice", $"acme/model/{Unpublished}", "latest_compiled", "1", "algorithm", $"algorithm \"acme/model/{Unpublished}\" names version \"{Unpublished}\", but version_type latest_compiled takes no version: write acme/model, or choose version_type semver or hash" },
        { "alice", "acme/model", "semver", "1", "algorithm", "algorithm \"acme/model\" has no version, but version_type semver needs one: write acme/model/X.Y.Z" },
        { "alice", "acme/model/1.2", "semver", "1", "algorithm", "algorithm \"acme/model/1.2\": version_type semver needs X.Y.Z, and version \"1.2\" must be MAJOR.MINOR.PATCH, three numbers, e.g. 1.0.0" },
        { "alice", "acme/model/1.02.0", "semver", "1", "algorithm", "algorithm \"acme/model/1.02.0\": version_type semver needs X.Y.Z, and version \"1.02.0\": part \"02\" has a leading zero" },
        { "alice", "acme/model/v1.0.0", "semver", "1", "algorithm", "algorithm \"acme/model/v1.0.0\": version_type semver needs X.Y.Z, and version \"v1.0.0\": part \"v1\" is not a non-negative integer" },
        { "alice", $"acme/model/{Public}", "semver", "1", "algorithm", $"algorithm \"acme/model/{Public}\": version_type semver needs X.Y.Z, and version \"{Public}\" must be MAJOR.MINOR.PATCH, three numbers, e.g. 1.0.0" },
        { "alice", "acme/model", "hash", "1", "algorithm", "algorithm \"acme/model\" has no version, but version_type hash needs one: write acme/model/ and the build's 40 hex digits" },
        { "alice", "acme/model/1.0.0", "hash", "1", "algorithm", "algorithm \"acme/model/1.0.0\": version_type hash needs 40 hex digits, and \"1.0.0\" is not (it has 5 characters)" },
        { "alice", $"acme/model/{new string('g', 40)}", "hash", "1", "algorithm", $"algorithm \"acme/model/{new string('g', 40)}\": version_type hash needs 40 hex digits, and \"{new string('g', 40)}\" is not ('g' is not a hex digit)" },

        // algorithm and version: existence
        { "alice", "acme/nothing", "latest_public", "1", "algorithm", "algorithm acme/nothing does not exist" },
        { "alice", "acme/model/9.9.9", "semver", "1", "algorithm", "algorithm acme/model has no version 9.9.9" },
        { "alice", $"acme/model/{Missing}", "hash", "1", "algorithm", $"algorithm acme/model has no build {Missing}" },
        { "alice", "acme/empty", "latest_public", "1", "algorithm", "algorithm acme/empty has no public version to keep warm; publish one public, or choose another version_type" },
        { "alice", "acme/empty", "latest_private", "1", "algorithm", "algorithm acme/empty has no private version to keep warm; publish one private, or choose another version_type" },
        { "alice", "acme/empty", "latest_compiled", "1", "algorithm", "algorithm acme/empty has no builds to keep warm; push one first" },

        // version_type
        { "alice", "acme/model", null, "1", "version_type", "version_type is required: one of latest_public, latest_private, latest_compiled, semver or hash" },
        { "alice", "acme/model", "latest", "1", "version_type", "version_type \"latest\" is not one of latest_public, latest_private, latest_compiled, semver or hash" },
        { "alice", "acme/model", "LATEST_PUBLIC", "1", "version_type", "version_type \"LATEST_PUBLIC\" is not one of latest_public, latest_private, latest_compiled, semver or hash" },

        // count: zero, negative, not an integer
        { "alice", "acme/model", "latest_public", null, "count", "count is required: a positive integer such as 1" },
        { "alice", "acme/model", "latest_public", "0", "count", "count is 0; a reservation keeps at least 1 instance warm" },
        { "alice", "acme/model", "latest_public", "-0", "count", "count is 0; a reservation keeps at least 1 instance warm" },
        { "alice", "acme/model", "latest_public", "-2", "count", "count -2 is negative; give a positive whole number such as 1" },
        { "alice", "acme/model", "latest_public", "4.5", "count", "count \"4.5\" is not an integer; give a positive whole number such as 1" },
        { "alice", "acme/model", "latest_public", "a", "count", "count \"a\" is not an integer; give a positive whole number such as 1" },
        { "alice", "acme/model", "latest_public", "1e2", "count", "count \"1e2\" is not an integer; give a positive whole number such as 1" },
        { "alice", "acme/model", "latest_public", "1001", "count", "count 1001 is too large; at most 1000 instances" },
        { "alice", "acme/model", "latest_public", "99999999999", "count", "count 99999999999 is too large; at most 1000 instances" },

        // access: latest_private, latest_compiled, a private semver and a hash not published public are for members
        { "bob", "acme/model", "latest_private", "1", "calling_user", "calling_user bob is not a member of acme: version_type latest_private keeps the latest private version warm, which only members of acme may call" },
        { "bob", "acme/model", "latest_compiled", "1", "calling_user", "calling_user bob is not a member of acme: version_type latest_compiled keeps the latest build warm, published or not, which only members of acme may call" },
        { "bob", "acme/model/1.1.0", "semver", "1", "calling_user", "calling_user bob is not a member of acme: version 1.1.0 of acme/model is private, which only members of acme may call" },
        { "bob", $"acme/model/{Unpublished}", "hash", "1", "calling_user", $"calling_user bob is not a member of acme: build {Unpublished} of acme/model is not published public, which only members of acme may call" },
        { "bob", $"acme/model/{Private}", "hash", "1", "calling_user", $"calling_user bob is not a member of acme: build {Private} of acme/model is not published public, which only members of acme may call" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EveryInvalidRequestIsRefusedWithOneMessageNamingTheFieldAndTheReason(
        string? user, string? algorithm, string? type, string? count, string field, string message)
    {
        var check = Check(user, algorithm, type, count);
        Assert.False(check.IsValid);
        var error = Assert.Single(check.Errors);
        Assert.Equal((field, message), (error.Field, error.Message));
        Assert.Equal(message, check.ErrorFor(field));
    }

    public static TheoryData<string, string, string, string, string> Acceptances => new()
    {
        { "alice", "acme/model", "latest_public", "acme/model", Public },
        { "bob", "acme/model", "latest_public", "acme/model", Public },
        { "alice", "acme/model", "latest_private", "acme/model", Private },
        { "acme", "acme/model", "latest_private", "acme/model", Private },
        { "alice", "acme/model", "latest_compiled", "acme/model", Unpublished },
        { "bob", "acme/model/1.0.0", "semver", "acme/model/1.0.0", Public },
        { "alice", "acme/model/1.1.0", "semver", "acme/model/1.1.0", Private },
        { "bob", $"acme/model/{Public.ToUpperInvariant()}", "hash", $"acme/model/{Public}", Public },
        { "alice", $"acme/model/{Unpublished}", "hash", $"acme/model/{Unpublished}", Unpublished },
        { " alice ", " acme/model ", " latest_public ", "acme/model", Public },
    };

    [Theory]
    [MemberData(nameof(Acceptances))]
    public void ValidRequestsBecomeDefinitionsThatResolveToTheExpectedBuild(string user, string algorithm, string type, string path, string hash)
    {
        var check = Check(user, algorithm, type, " 3 ");
        Assert.Empty(check.Errors);
        var definition = check.Definition!;
        Assert.Equal((user.Trim(), path, 3, "r-1", T0), (definition.CallingUser, definition.AlgorithmPath, definition.Count, definition.Id, definition.CreatedAt));
        Assert.Equal(hash, ReservationTargets.Resolve(definition, _catalog).Target!.Hash);
    }

    [Fact]
    public void EveryBadFieldIsReportedAtOnce()
    {
        var check = Check("carol", "acme/model/1.2", "newest", "0");
        Assert.Equal(
            [
                ("version_type", "version_type \"newest\" is not one of latest_public, latest_private, latest_compiled, semver or hash"),
                ("count", "count is 0; a reservation keeps at least 1 instance warm"),
                ("calling_user", "calling_user \"carol\" is not an account or organization; create it first"),
            ],
            check.Errors.Select(e => (e.Field, e.Message)));
    }

    [Fact]
    public void AnUnknownUserAndAMissingVersionAreBothReported()
    {
        var check = Check("carol", "acme/model/9.9.9", "semver", "1");
        Assert.Equal(
            [
                ("calling_user", "calling_user \"carol\" is not an account or organization; create it first"),
                ("algorithm", "algorithm acme/model has no version 9.9.9"),
            ],
            check.Errors.Select(e => (e.Field, e.Message)));
    }

    [Fact]
    public void ASecondReservationOfTheSameTargetForTheSameUserIsRefused()
    {
        var first = Check("alice", "acme/model", "latest_public", "2").Definition!;
        var second = Check("alice", "acme/model", "latest_public", "5", [first with { Id = "r-7" }]);
        var error = Assert.Single(second.Errors);
        Assert.Equal(("algorithm", "calling_user alice already has reservation r-7 keeping acme/model latest_public warm; change its count instead of adding another"),
            (error.Field, error.Message));

        Assert.True(Check("bob", "acme/model", "latest_public", "2", [first]).IsValid);
        Assert.True(Check("alice", "acme/model/1.0.0", "semver", "2", [first]).IsValid);
    }
}
