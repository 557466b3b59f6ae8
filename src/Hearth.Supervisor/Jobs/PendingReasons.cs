using Hearth.Core.Reservations;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// Why a job's pending subjobs wait, from the cluster as the loop last saw it: a job that asks for more than any
/// worker has, or a resource no worker defines, says so instead of waiting in silence.
/// </summary>
internal static class PendingReasons
{
    public static string? Explain(JobView job, ClusterView cluster)
    {
        if (job.Subjobs.All(s => s.State != "pending") || !ReservationSpec.TryParse(job.Reservations, out var spec, out _))
        {
            return null;
        }

        var hosts = cluster.Workers.Select(w => new HostCapacity(
            w.Name, w.State == "up", Amounts(w.Resources, u => u.Total), Amounts(w.Resources, u => u.Free))).ToList();
        var idle = cluster.Workers
            .Where(w => w.Running == 0 && w.Resources.All(u => u.Used == 0))
            .Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        return CapacityShortfall.ExplainOne(spec!, new CapacityView(hosts, Amounts(cluster.Global, u => u.Free)), idle);
    }

    private static Dictionary<ResourceName, int> Amounts(IEnumerable<ResourceUsageView> usage, Func<ResourceUsageView, int> amount)
    {
        var amounts = new Dictionary<ResourceName, int>();
        foreach (var u in usage)
        {
            if (ResourceName.TryParse(u.Resource, out var resource, out _))
            {
                amounts[resource] = amount(u);
            }
        }

        return amounts;
    }
}
