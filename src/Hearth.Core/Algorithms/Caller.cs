namespace Hearth.Core.Algorithms;

/// <summary>
/// The account a key belongs to, with the accounts it is a member of: itself and, for a user, every
/// organization that lists it. An instance's key acts for its calling account but only within what the algorithm's
/// owner may reach (<see cref="Within"/>): <see cref="AlgorithmOwner"/> names that owner, so every check (versions,
/// data) can say which rule refused.
/// </summary>
public sealed record Caller(string Account, IReadOnlySet<string> MemberOf)
{
    /// <summary>The owner of the algorithm whose instance presents this key; null for the account's own key.</summary>
    public string? AlgorithmOwner { get; init; }

    public static Caller Of(string account, IEnumerable<string> organizations) =>
        new(account, new HashSet<string>(organizations.Append(account), StringComparer.Ordinal));

    /// <summary>
    /// The caller's identity intersected with what <paramref name="owner"/> (the algorithm's owner, as a caller) may
    /// reach: membership only where both are members. An algorithm of the caller's own keeps all of the caller's.
    /// </summary>
    public Caller Within(Caller owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var both = new HashSet<string>(MemberOf.Where(owner.MemberOf.Contains), StringComparer.Ordinal);
        return new Caller(Account, both) { AlgorithmOwner = owner.Account };
    }

    /// <summary>Members of an account are the account itself and, for an organization, its member users.</summary>
    public bool IsMemberOf(string owner) => MemberOf.Contains(owner);
}
