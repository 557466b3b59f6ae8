namespace Hearth.Core.Algorithms;

/// <summary>The pool's tunables. <see cref="InstancePriority"/> is the ledger priority of an instance's work.</summary>
public sealed record WarmPoolSettings(TimeSpan IdleTimeout, TimeSpan MinResidency, int InstancePriority = 1, int MaxStartingPerKey = 16)
{
    public static readonly WarmPoolSettings Default = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(15));
}
