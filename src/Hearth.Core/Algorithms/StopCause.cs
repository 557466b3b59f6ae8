namespace Hearth.Core.Algorithms;

/// <summary>Why the policy stops an instance.</summary>
public enum StopCause
{
    IdleTimeout,
    Evicted,
}
