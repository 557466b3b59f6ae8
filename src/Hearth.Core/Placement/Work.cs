using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// A piece of work waiting for resources: a job's subjob or an algorithm instance.
/// Lower <paramref name="Priority"/> numbers go first (1 is highest); then lower <paramref name="Sequence"/> (submission order).
/// <paramref name="Requirements"/>, when given, limits the hosts it may run on.
/// </summary>
public sealed record WorkRequest(string Id, ReservationSpec Spec, int Priority, long Sequence, Requirement? Requirements = null, string? AvoidHost = null)
{
    public const int DefaultPriority = 9999;
}

/// <summary>Work holding resources on a host.</summary>
public sealed record RunningWork(WorkRequest Request, string Host, Allocation Allocation)
{
    public string Id => Request.Id;

    /// <summary>True while some <c>N-M</c> item is below its maximum.</summary>
    public bool CanGrow => Request.Spec.EffectiveItems().Any(i => i.Mode == ReservationMode.Range && Allocation.AmountOf(i.Resource) < i.Max);
}

/// <summary>One decision of a placement cycle.</summary>
public abstract record PlacementDecision(string WorkId, string Host, Allocation Allocation);

/// <summary>Start <paramref name="WorkId"/> on <paramref name="Host"/> holding <paramref name="Allocation"/>.</summary>
public sealed record DispatchDecision(string WorkId, string Host, Allocation Allocation)
    : PlacementDecision(WorkId, Host, Allocation);

/// <summary>Grow running <c>N-M</c> work by <paramref name="Added"/>; <paramref name="Allocation"/> holds the new totals.</summary>
public sealed record GrowDecision(string WorkId, string Host, Allocation Allocation, Allocation Added)
    : PlacementDecision(WorkId, Host, Allocation);

/// <summary>Work refused at submission; the message says why.</summary>
public sealed class PlacementException(string message) : InvalidOperationException(message);
