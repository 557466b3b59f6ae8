using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// A piece of work waiting for resources: a job's subjob or an algorithm instance.
/// Lower <paramref name="Priority"/> numbers go first (1 is highest); then lower <paramref name="Sequence"/> (submission order).
/// <paramref name="Requirements"/>, when given, limits the hosts it may run on. <paramref name="AccountJob"/>: a job of an
/// account other than admin, which goes only to hosts that take account jobs (<see cref="Ledger.TakesAccountJobs"/>).
/// </summary>
public sealed record WorkRequest(
    string Id, ResourceRequest Spec, int Priority, long Sequence, Requirement? Requirements = null, string? AvoidHost = null, bool AccountJob = false)
{
    public const int DefaultPriority = 9999;

    /// <summary>The account it counts against (a job's submitter, an instance's caller); null for the admin's work, which no quota holds.</summary>
    public string? Account { get; init; }

    /// <summary>True for an algorithm instance, which counts against max-instances; a subjob counts its processors against max-slots.</summary>
    public bool IsInstance { get; init; }
}
