using System.Collections.Concurrent;
using Hearth.Core.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Accounts (users, organizations and their members) and their API keys. Keys are shown once and stored hashed.
/// The call path looks keys and memberships up here, from memory: the key store caches keys, and memberships are
/// cached for <see cref="CacheLifetime"/> (a membership added here takes effect at once).
/// </summary>
internal sealed class AccountService(IAccountStore accounts, IKeyStore keys, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Until)> _callers = new(StringComparer.Ordinal);

    /// <summary>Raised after a membership was added here, so what was loaded from memberships is loaded again.</summary>
    public event Action? MembershipsChanged;

    public async Task<AccountRecord> CreateAsync(string name, bool organization, CancellationToken cancellationToken)
    {
        if (Names.Why(name, "account name") is { } why)
        {
            throw new RefusedException(Refusal.Invalid(why));
        }

        if (name.Equals(JobAccess.AdminSubmitter, StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusedException(Refusal.Invalid($"account name \"{name}\" is reserved: jobs submitted with an admin key show as submitted by {JobAccess.AdminSubmitter}"));
        }

        // The store's index on the lowered name settles a race between two creations; this check names the holder.
        if (await TakenAsync(name, cancellationToken).ConfigureAwait(false) is { } taken)
        {
            throw new RefusedException(Refusal.Conflict(Taken(name, taken)));
        }

        var account = new AccountRecord(name, organization ? AccountKinds.Organization : AccountKinds.User, time.GetUtcNow(), 0);
        try
        {
            await accounts.AddAsync(account, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            throw new RefusedException(Refusal.Conflict(Taken(name, await TakenAsync(name, cancellationToken).ConfigureAwait(false) ?? name)));
        }

        return account;
    }

    private async Task<string?> TakenAsync(string name, CancellationToken cancellationToken) =>
        (await accounts.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name;

    private static string Taken(string name, string holder) => holder == name
        ? $"account {name} already exists"
        : $"account name {name} is taken by account {holder}: names are unique regardless of case";

    public Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken) => accounts.ListAsync(cancellationToken);

    public async Task<AccountRecord> RequireAsync(string name, CancellationToken cancellationToken) =>
        await accounts.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(Refusal.NotFound($"account {name} not found"));

    /// <summary>Adds a user to an organization; false when it was a member already.</summary>
    public async Task<bool> AddMemberAsync(string org, string user, CancellationToken cancellationToken)
    {
        var organization = await RequireAsync(org, cancellationToken).ConfigureAwait(false);
        if (organization.Kind != AccountKinds.Organization)
        {
            throw new RefusedException(Refusal.Invalid($"{org} is a user, not an organization; create organizations with --org"));
        }

        var member = await RequireAsync(user, cancellationToken).ConfigureAwait(false);
        if (member.Kind != AccountKinds.User)
        {
            throw new RefusedException(Refusal.Invalid($"{user} is an organization; only users can be members"));
        }

        var added = await accounts.AddMemberAsync(org, user, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _callers.TryRemove(user, out _);
        MembershipsChanged?.Invoke();
        return added;
    }

    public Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken) => accounts.MembersOfAsync(org, cancellationToken);

    /// <summary>A new key for <paramref name="account"/>: returned once, stored only as its hash.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string account, CancellationToken cancellationToken)
    {
        await RequireAsync(account, cancellationToken).ConfigureAwait(false);
        var (id, key) = ApiKeys.Generate();
        await keys.AddAsync(new ApiKeyRecord(id, ApiKeys.Hash(key), KeyRoles.Account, account, $"key of {account}", time.GetUtcNow(), null, 0), cancellationToken)
            .ConfigureAwait(false);
        return (id, key);
    }

    /// <summary>The keys of <paramref name="account"/>, revoked ones included, oldest first.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> KeysOfAsync(string account, CancellationToken cancellationToken)
    {
        await RequireAsync(account, cancellationToken).ConfigureAwait(false);
        var all = await keys.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.Where(k => k.Role == KeyRoles.Account && k.AccountId == account)];
    }

    /// <summary>
    /// Revokes one of <paramref name="account"/>'s keys; it is refused from the next request on. Revoking a revoked
    /// key changes nothing and answers with the first revocation, so a retried request is harmless.
    /// </summary>
    public async Task<ApiKeyRecord> RevokeKeyAsync(string account, string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = (await KeysOfAsync(account, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == id)
                ?? throw new RefusedException(Refusal.NotFound($"account {account} has no key {id}"));
            if (key.RevokedAt is not null)
            {
                return key;
            }

            // Revoked or not, the next round answers with what the store holds, which is what a listing shows.
            await keys.RevokeAsync(key.Id, key.Version, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Who <paramref name="key"/> belongs to, or null when it is unknown or revoked. The key store answers from memory.</summary>
    public async ValueTask<KeyIdentity?> IdentifyAsync(string key, CancellationToken cancellationToken)
    {
        var record = await keys.FindByHashAsync(ApiKeys.Hash(key), cancellationToken).ConfigureAwait(false);
        return record is null || (record.RevokedAt is { } revoked && revoked <= time.GetUtcNow())
            ? null
            : new KeyIdentity(record.Id, record.Role, record.AccountId);
    }

    /// <summary>The account as a caller: itself plus the organizations it is a member of.</summary>
    public async ValueTask<Caller> CallerAsync(string account, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_callers.TryGetValue(account, out var cached) && cached.Until > now)
        {
            return cached.Caller;
        }

        var organizations = await accounts.OrganizationsOfAsync(account, cancellationToken).ConfigureAwait(false);
        var caller = Caller.Of(account, organizations);
        _callers[account] = (caller, now + CacheLifetime);
        return caller;
    }
}
