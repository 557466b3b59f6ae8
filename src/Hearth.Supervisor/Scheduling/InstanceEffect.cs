namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// What a cycle did to instance work that the warm pool must learn: recorded in <see cref="CycleEffects"/> and
/// handed to the pool, in order, once the cycle's writes commit.
/// </summary>
public abstract record InstanceEffect;
