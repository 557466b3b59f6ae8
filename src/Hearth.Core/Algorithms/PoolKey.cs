namespace Hearth.Core.Algorithms;

/// <summary>
/// Instances are never shared across accounts: the pool is keyed by calling account and build, and by the owner of
/// the algorithm called, since an instance's key acts within what that owner may reach (one build published by two
/// owners gives two kinds of instance).
/// </summary>
public readonly record struct PoolKey(string Account, string Hash, string Owner)
{
    public static PoolKey Of(string account, InstanceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new(account, template.Hash, template.Algorithm.Owner);
    }

    public override string ToString() => $"{Account}@{Owner}:{Hash}";
}
