using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for accounts' limits and the memberships quotas count by; subclassed once per backend.</summary>
public abstract class AccountLimitContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task AccountLimitsAreWrittenWholeReplacedByNameAndLoadBackWithTheMemberships()
    {
        var empty = await Store.Scheduler.LoadAsync(Cancel);
        Assert.Empty(empty.AccountLimits);
        Assert.Empty(empty.Memberships);

        await Store.Accounts.AddAsync(new AccountRecord("acme", AccountKinds.Organization, At, 0), Cancel);
        await Store.Accounts.AddAsync(new AccountRecord("alice", AccountKinds.User, At, 0), Cancel);
        await Store.Accounts.AddAsync(new AccountRecord("bob", AccountKinds.User, At, 0), Cancel);
        await Store.Accounts.AddMemberAsync("acme", "bob", At, Cancel);
        await Store.Accounts.AddMemberAsync("acme", "alice", At, Cancel);
        await CommitAsync(c =>
        {
            c.AccountLimits.Add(new AccountLimitRecord("alice", 2, -1, 1));
            c.AccountLimits.Add(new AccountLimitRecord("acme", 8, 3, 4));
        });

        // Within one commit the last write of a name wins.
        await CommitAsync(c =>
        {
            c.AccountLimits.Add(new AccountLimitRecord("alice", 4, 1, 1));
            c.AccountLimits.Add(new AccountLimitRecord("alice", -1, 2, 3));
        });

        var loaded = await Open().Scheduler.LoadAsync(Cancel);
        Assert.Equal([new AccountLimitRecord("acme", 8, 3, 4), new AccountLimitRecord("alice", -1, 2, 3)], loaded.AccountLimits);
        Assert.Equal([new MembershipRecord("acme", "alice"), new MembershipRecord("acme", "bob")], loaded.Memberships);
    }
}
