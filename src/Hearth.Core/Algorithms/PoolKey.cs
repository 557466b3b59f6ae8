namespace Hearth.Core.Algorithms;

/// <summary>Instances are never shared across accounts: the pool is keyed by calling account and build.</summary>
public readonly record struct PoolKey(string Account, string Hash)
{
    public override string ToString() => $"{Account}@{Hash}";
}
