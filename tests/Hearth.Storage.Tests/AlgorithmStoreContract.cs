using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for algorithms, their builds and the accounts that own them; subclassed once per backend.</summary>
public abstract class AlgorithmStoreContract(TestStores stores) : StorageContract(stores)
{
    private const string HashA = "0123456789abcdef0123456789abcdef01234567";
    private const string HashB = "89abcdef0123456789abcdef0123456789abcdef";

    private static BuildRecord Build(string owner, string name, string hash, int minutes = 0) => new(
        owner, name, hash, "content", "{\"entrypoint\":[\"python3\",\"main.py\"],\"reservations\":\"host.processors=1\",\"note\":\"naïve – ✓\"}",
        new string('e', 64), 123_456_789_012, At.AddMinutes(minutes));

    private async Task AccountsAsync(params (string Name, string Kind)[] accounts)
    {
        foreach (var (name, kind) in accounts)
        {
            await Store.Accounts.AddAsync(new AccountRecord(name, kind, At, 0), Cancel);
        }
    }

    [Fact]
    public async Task AccountsAreFoundListedByNameAndTheirNamesAreUnique()
    {
        await AccountsAsync(("zoe", AccountKinds.User), ("Acme", AccountKinds.Organization), ("_ops", AccountKinds.User), ("b", AccountKinds.User));

        var listed = await Open().Accounts.ListAsync(Cancel);
        var found = await Store.Accounts.FindAsync("Acme", Cancel);

        Assert.Equal(["Acme", "_ops", "b", "zoe"], listed.Select(a => a.Name));
        Assert.Equal(new AccountRecord("Acme", AccountKinds.Organization, AtMs, 1), found);
        Assert.Null(await Store.Accounts.FindAsync("nobody", Cancel));
        Assert.Null(await Store.Accounts.FindAsync("acme", Cancel));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Accounts.AddAsync(new AccountRecord("zoe", AccountKinds.Organization, At, 0), Cancel));
    }

    [Theory]
    [InlineData("Acme", "acme")]
    [InlineData("acme", "ACME")]
    [InlineData("Zoe-1", "zOE-1")]
    public async Task AccountNamesThatDifferOnlyInCaseAreOneName(string first, string second)
    {
        await AccountsAsync((first, AccountKinds.Organization));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Accounts.AddAsync(new AccountRecord(second, AccountKinds.User, At, 0), Cancel));
        Assert.Equal([first], (await Open().Accounts.ListAsync(Cancel)).Select(a => a.Name));
    }

    [Fact]
    public async Task MembershipIsRecordedOnceAndReadFromBothSides()
    {
        await AccountsAsync(("acme", AccountKinds.Organization), ("globex", AccountKinds.Organization), ("bob", AccountKinds.User), ("alice", AccountKinds.User));

        Assert.True(await Store.Accounts.AddMemberAsync("acme", "bob", At, Cancel));
        Assert.True(await Store.Accounts.AddMemberAsync("acme", "alice", At, Cancel));
        Assert.True(await Store.Accounts.AddMemberAsync("globex", "bob", At, Cancel));
        Assert.False(await Store.Accounts.AddMemberAsync("acme", "bob", At, Cancel));

        Assert.Equal(["alice", "bob"], await Store.Accounts.MembersOfAsync("acme", Cancel));
        Assert.Equal(["acme", "globex"], await Store.Accounts.OrganizationsOfAsync("bob", Cancel));
        Assert.Empty(await Store.Accounts.MembersOfAsync("nobody", Cancel));
    }

    [Fact]
    public async Task AFirstPushCreatesTheAlgorithmAndEachBuildIsKeptOnceByHash()
    {
        await AccountsAsync(("acme", AccountKinds.Organization));

        Assert.True(await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashA), Cancel));
        Assert.True(await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashB, minutes: 5), Cancel));
        Assert.False(await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashA, minutes: 9) with { Manifest = "{}" }, Cancel));

        var algorithm = (await Open().Algorithms.FindAsync("acme", "model", Cancel))!;
        Assert.Equal(("acme", "model", AtMs), (algorithm.Owner, algorithm.Name, algorithm.CreatedAt));
        Assert.Equal([HashA, HashB], algorithm.Builds.Select(b => b.Hash));
        Assert.Equal(Build("acme", "model", HashA) with { PushedAt = AtMs }, algorithm.Builds[0]);
        Assert.Empty(algorithm.Versions);
        Assert.Null(await Store.Algorithms.FindAsync("acme", "other", Cancel));
    }

    [Fact]
    public async Task VersionsAreUniqueAndComeBackInSemanticOrder()
    {
        await AccountsAsync(("acme", AccountKinds.Organization));
        await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashA), Cancel);
        await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashB), Cancel);

        foreach (var (version, hash, visibility) in new[] { ("1.10.0", HashB, "public"), ("1.9.3", HashA, "private"), ("0.2.0", HashA, "public"), ("10.0.0", HashB, "private") })
        {
            await Store.Algorithms.AddVersionAsync(new VersionRecord("acme", "model", version, hash, visibility, At), Cancel);
        }

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Store.Algorithms.AddVersionAsync(new VersionRecord("acme", "model", "1.9.3", HashB, "public", At), Cancel));
        var versions = (await Store.Algorithms.FindAsync("acme", "model", Cancel))!.Versions;

        Assert.Equal(["0.2.0", "1.9.3", "1.10.0", "10.0.0"], versions.Select(v => v.Version));
        Assert.Equal(new VersionRecord("acme", "model", "1.9.3", HashA, "private", AtMs), versions[1]);
    }

    [Fact]
    public async Task AVersionMustNameABuildOfItsOwnAlgorithm()
    {
        await AccountsAsync(("acme", AccountKinds.Organization));
        await Store.Algorithms.AddBuildAsync(Build("acme", "model", HashA), Cancel);
        await Store.Algorithms.AddBuildAsync(Build("acme", "other", HashB), Cancel);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Store.Algorithms.AddVersionAsync(new VersionRecord("acme", "model", "1.0.0", HashB, "public", At), Cancel));

        Assert.Empty((await Store.Algorithms.FindAsync("acme", "model", Cancel))!.Versions);
    }

    [Fact]
    public async Task ABuildIsFoundByHashAloneAndAlgorithmsAreListedByOwnerThenName()
    {
        await AccountsAsync(("acme", AccountKinds.Organization), ("Bob", AccountKinds.User));
        await Store.Algorithms.AddBuildAsync(Build("acme", "zeta", HashA, minutes: 3), Cancel);
        await Store.Algorithms.AddBuildAsync(Build("Bob", "alpha", HashA, minutes: 1), Cancel);
        await Store.Algorithms.AddBuildAsync(Build("acme", "beta", HashB), Cancel);

        var first = await Store.Algorithms.FindBuildAsync(HashA, Cancel);
        var listed = await Store.Algorithms.ListAsync(Cancel);

        Assert.Equal(("Bob", "alpha"), (first!.Owner, first.Name));
        Assert.Null(await Store.Algorithms.FindBuildAsync(new string('f', 40), Cancel));
        Assert.Equal([("Bob", "alpha"), ("acme", "beta"), ("acme", "zeta")], listed);
    }
}
