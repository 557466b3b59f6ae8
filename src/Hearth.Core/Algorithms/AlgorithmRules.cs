namespace Hearth.Core.Algorithms;

/// <summary>Rules for changing an algorithm: who may push and publish, and which versions are allowed.</summary>
public static class AlgorithmRules
{
    /// <summary>Pushing and publishing are for members of the owning account.</summary>
    public static Refusal? CheckManage(AlgorithmName algorithm, Caller caller, string action) =>
        caller.IsMemberOf(algorithm.Owner)
            ? null
            : Refusal.Forbidden($"only members of {algorithm.Owner} may {action} {algorithm}, and {caller.Account} is not one");

    /// <summary>
    /// A publish names a build of this algorithm and a version greater than every version published before.
    /// </summary>
    public static Refusal? CheckPublish(AlgorithmEntry algorithm, string hash, SemanticVersion version)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (algorithm.FindBuild(hash) is null)
        {
            return Refusal.NotFound($"{algorithm.Name} has no build {hash}; push it first");
        }

        if (algorithm.FindVersion(version) is not null)
        {
            return Refusal.Conflict($"{algorithm.Name} version {version} is already published; versions are immutable");
        }

        if (algorithm.Highest is { } highest && version < highest.Version)
        {
            return Refusal.Conflict($"version {version} is lower than {algorithm.Name}'s latest version {highest.Version}; versions only increase");
        }

        return null;
    }
}
