namespace Hearth.Supervisor.Storage;

/// <summary>Accounts and organization membership.</summary>
public interface IAccountStore
{
    Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds an account; throws <see cref="ConcurrencyConflictException"/> when the name is taken.</summary>
    Task AddAsync(AccountRecord account, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="member"/> to <paramref name="org"/>; false when it already is one.</summary>
    Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken);
}
