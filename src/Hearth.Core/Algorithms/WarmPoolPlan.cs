namespace Hearth.Core.Algorithms;

/// <summary>
/// One round of warm-pool decisions: calls whose queue wait timed out, starting instances no call needs any more
/// (still unplaced, so they can be withdrawn from the ledger's queue), and instances to stop. <see cref="NextDue"/>
/// is when the next decision could change, so the loop can sleep until then.
/// </summary>
public sealed record WarmPoolPlan(
    IReadOnlyList<WaitingCall> Expired,
    IReadOnlyList<AlgorithmInstance> Withdrawn,
    IReadOnlyList<InstanceStop> Stops,
    DateTimeOffset? NextDue)
{
    public bool IsEmpty => Expired.Count == 0 && Withdrawn.Count == 0 && Stops.Count == 0;

    /// <summary>Once applied: instances started in place of withdrawn ones for calls that came to wait meanwhile.</summary>
    public IReadOnlyList<AlgorithmInstance> Replacements { get; init; } = [];
}
