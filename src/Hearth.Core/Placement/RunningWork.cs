using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>Work holding resources on a host.</summary>
public sealed record RunningWork(WorkRequest Request, string Host, Allocation Allocation)
{
    public string Id => Request.Id;

    /// <summary>True while some <c>N-M</c> item is below its maximum.</summary>
    public bool CanGrow => Request.Spec.EffectiveItems().Any(i => i.Mode == GrantMode.Range && Allocation.AmountOf(i.Resource) < i.Max);
}
