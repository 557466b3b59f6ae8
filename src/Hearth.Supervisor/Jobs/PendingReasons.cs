using System.Globalization;
using Hearth.Core.Requirements;
using Hearth.Core.Reservations;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// Why a job's pending subjobs wait, from the cluster as the loop last saw it: a job held by its account's quota, or
/// one that asks for more than any worker has, or for a resource no worker defines, says so instead of waiting in silence.
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

        if (job.Subjobs.All(s => s.State != "pending") || !ResourceRequest.TryParse(job.Reservations, out var spec, out _))
        {
            return null;
        }

        var submitter = job.SubmittedBy == JobAccess.AdminSubmitter ? null : job.SubmittedBy;
        if (cluster.Quotas.ExplainSlots(submitter, spec!.EffectiveItems().First(i => i.Resource == ResourceName.Processors).Min) is { } quota)
        {
            return quota;
        }

        if (ClusterWideShortfall(spec!, cluster) is { } why)
        {
            return why;
        }

        var workers = cluster.Workers;
        if (Requirement.TryParse(job.Requirements, out var requirements, out _) && requirements is not null)
        {
            var facts = workers.Select(w => new ViewedHost(w, cluster.Global)).ToList();
            if (requirements.Explain([.. facts.Where(f => f.Worker.State == "up")]) is { } unmet)
            {
                return unmet;
            }

            // What holds the work back is then capacity, and only on the hosts it may run on.
            workers = [.. facts.Where(requirements.Matches).Select(f => f.Worker)];
        }

        if (!string.Equals(job.SubmittedBy, JobAccess.AdminSubmitter, StringComparison.OrdinalIgnoreCase))
        {
            if (AccountJobsRefused(workers) is { } refused)
            {
                return refused;
            }

            workers = [.. workers.Where(w => !WorkerEntry.RefusesAccountJobs(w.AccountJobs))];
        }

        // A locked worker takes no new work: when only locked ones are big enough, that is the reason, by name.
        var open = workers.Where(w => !w.Locked).ToList();
        if (open.Count < workers.Count)
        {
            var fitting = workers.Where(w => w.Locked && w.State == "up" && FitsWhenEmpty(spec!, w, cluster)).Select(w => w.Name).ToList();
            if (fitting.Count > 0 && !open.Any(w => w.State == "up" && FitsWhenEmpty(spec!, w, cluster)))
            {
                return $"every worker that fits is locked ({string.Join(", ", fitting)})";
            }

            if (open.Any(w => w.State == "up"))
            {
                workers = open;
            }
        }

        var hosts = workers.Select(w => new HostCapacity(
            w.Name, w.State == "up", Amounts(w.Resources, u => u.Total), Amounts(w.Resources, u => u.Free))).ToList();
        var idle = workers
            .Where(w => w.Running == 0 && w.Resources.All(u => u.Used == 0))
            .Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        return CapacityShortfall.ExplainOne(spec!, new CapacityView(hosts, Amounts(cluster.Global, u => u.Free)), idle);
    }

    /// <summary>Whether the work would fit on <paramref name="worker"/> with nothing else there: it is big enough.</summary>
    private static bool FitsWhenEmpty(ResourceRequest spec, WorkerView worker, ClusterView cluster)
    {
        var totals = Amounts(worker.Resources, u => u.Total);
        var host = new HostCapacity(worker.Name, true, totals, totals);
        return CapacityShortfall.Explain(spec, 1, new CapacityView([host], Amounts(cluster.Global, u => u.Total))) is null;
    }

    /// <summary>Every worker that is up refuses accounts' jobs: each one's reason, and how an admin changes it.</summary>
    private static string? AccountJobsRefused(IReadOnlyList<WorkerView> workers)
    {
        var up = workers.Where(w => w.State == "up").ToList();
        if (up.Count == 0 || up.Any(w => !WorkerEntry.RefusesAccountJobs(w.AccountJobs)))
        {
            return null;
        }

        var reasons = string.Join("; ", up.Select(w => $"{w.Name}: {w.AccountJobs["refused".Length..].TrimStart(':', ' ')}"));
        return $"waiting for a worker that runs accounts' jobs: every worker refuses them because it cannot isolate them ({reasons}); "
            + "install bubblewrap there, or let a worker run them unisolated with --jobs-unisolated allow";
    }

    /// <summary>A cluster-wide resource held back by use outside the farm, or by a total lowered below what is in use.</summary>
    private static string? ClusterWideShortfall(ResourceRequest spec, ClusterView cluster)
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

    /// <summary>A worker of the cluster view as requirements see it.</summary>
    private sealed class ViewedHost(WorkerView worker, IReadOnlyList<ResourceUsageView> global) : IHostFacts
    {
        public WorkerView Worker => worker;

        public string Text(HostProperty which)
        {
            var p = worker.Properties;
            return which switch
            {
                HostProperty.Name => worker.Name,
                HostProperty.Os => p?.Os ?? "",
                HostProperty.Arch => p?.Arch ?? "",
                HostProperty.CpuModel => p?.CpuModel ?? "",
                _ => p?.Cluster ?? "",
            };
        }

        public bool InGroup(string group) => worker.Properties?.Groups.Contains(group, StringComparer.OrdinalIgnoreCase) == true;

        public int Amount(ResourceName resource, ResourceMeasure measure)
        {
            var name = resource.ToString();
            var usage = (resource.IsHost ? worker.Resources : global).FirstOrDefault(u => u.Resource == name);
            return usage is null ? 0 : measure switch
            {
                ResourceMeasure.Free => usage.Free,
                ResourceMeasure.Total => usage.Total,
                _ => usage.Used,
            };
        }
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
