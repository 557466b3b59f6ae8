namespace Hearth.Core.Algorithms;

/// <summary>
/// The account a key belongs to, with the accounts it is a member of: itself and, for a user, every
/// organization that lists it.
/// </summary>
public sealed record Caller(string Account, IReadOnlySet<string> MemberOf)
{
    public static Caller Of(string account, IEnumerable<string> organizations) =>
        new(account, new HashSet<string>(organizations.Append(account), StringComparer.Ordinal));

    /// <summary>Members of an account are the account itself and, for an organization, its member users.</summary>
    public bool IsMemberOf(string owner) => MemberOf.Contains(owner);
}
