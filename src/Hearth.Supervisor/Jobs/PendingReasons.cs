using System.Globalization;
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
        if (job.State == JobStates.Blocked && job.WaitingFor is { Count: > 0 } waiting)
        {
            return $"blocked: waiting for job{(waiting.Count == 1 ? "" : "s")} {string.Join(", ", waiting)} to complete";
        }

        if (job.Subjobs.Where(s => s.RetryAt is not null).Select(s => s.RetryAt).Min() is { } retryAt && job.Subjobs.All(s => s.State != JobStates.Pending || s.RetryAt is not null))
        {
            return $"retrying after a failure: the next try is due at {retryAt.ToString("u", CultureInfo.InvariantCulture)}";
        }

        if (job.Subjobs.All(s => s.State != "pending") || !ReservationSpec.TryParse(job.Reservations, out var spec, out _))
        {
            return null;
        }

        if (ClusterWideShortfall(spec!, cluster) is { } why)
        {
            return why;
        }

        var hosts = cluster.Workers.Select(w => new HostCapacity(
            w.Name, w.State == "up", Amounts(w.Resources, u => u.Total), Amounts(w.Resources, u => u.Free))).ToList();
        var idle = cluster.Workers
            .Where(w => w.Running == 0 && w.Resources.All(u => u.Used == 0))
            .Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        return CapacityShortfall.ExplainOne(spec!, new CapacityView(hosts, Amounts(cluster.Global, u => u.Free)), idle);
    }

    /// <summary>A cluster-wide resource held back by use outside the farm, or by a total lowered below what is in use.</summary>
    private static string? ClusterWideShortfall(ReservationSpec spec, ClusterView cluster)
    {
        foreach (var item in spec.Items.Where(i => !i.Resource.IsHost))
        {
            var name = item.Resource.ToString();
            if (cluster.Global.FirstOrDefault(g => g.Resource == name) is not { } usage || usage.Free >= item.Min)
            {
                continue;
            }

            var need = string.Create(CultureInfo.InvariantCulture, $"needs {name}={item.Min}");
            if (usage.Used > usage.Total)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"waiting for {name}: {need}, and its total was lowered to {usage.Total} while {usage.Used} are in use; running work keeps them, new work waits until use drops");
            }

            if (usage.Outside > 0)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"waiting for {name}: {need}; {usage.Total} in all, {usage.Outside} in use outside the farm, {usage.Used} used by the farm, {usage.Free} free");
            }
        }

        return null;
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
