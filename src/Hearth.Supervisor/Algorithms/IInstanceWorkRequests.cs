using Hearth.Core.Algorithms;
using Hearth.Core.Placement;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The instance pool's requests to the scheduling loop, which alone owns the ledger: instance work is placed by the
/// same loop and placement engine as jobs, so jobs and instances never over-commit. Each request is a command in
/// the loop's inbox; none waits for it.
/// </summary>
internal interface IInstanceWorkRequests
{
    /// <summary>Queues the instances' work (their manifest reservations) for placement.</summary>
    void Submit(IReadOnlyList<AlgorithmInstance> instances);

    /// <summary>Returns what the instance holds, or takes its work out of the queue if it was never placed.</summary>
    void Release(string instanceId);

    /// <summary>Asks the loop to run the warm-pool policy soon (a call's deadline or an idle timeout moved).</summary>
    void Nudge();

    /// <summary>The limited accounts' limits and holdings as the loop last published them, for the call path's quota check.</summary>
    QuotaSnapshot Quotas => QuotaSnapshot.Empty;
}
