using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The ledger's bookkeeping checked against the work that holds resources; it reads the loop's state and changes nothing.</summary>
internal static class LedgerAudit
{
    /// <summary>
    /// Checks the ledger against the live allocations, summed from the work itself (each running subjob's
    /// recorded allocation on its host, each placed algorithm instance's manifest reservation) rather than from
    /// the ledger's own bookkeeping, so a leak or a double release in either shows up as a difference.
    /// </summary>
    public static LedgerAuditView Check(Cluster cluster, IReadOnlyDictionary<string, Subjob> subjobs, Func<string, bool> isInstanceWork, DateTimeOffset now)
    {
        var ledger = cluster.Ledger;
        var onHosts = new Dictionary<(string Host, ResourceName Resource), int>();
        var global = new Dictionary<ResourceName, int>();
        // A per-host global resource costs each host the most any one holder there asked for, not the sum.
        var perHost = new Dictionary<(string Host, ResourceName Resource), int>();
        var problems = new List<string>();
        var live = 0;
        foreach (var subjob in subjobs.Values.Where(s => s.State == WorkState.Running))
        {
            live++;
            if (subjob.Host is not { } host)
            {
                problems.Add($"subjob {subjob.WorkId} is running on no host");
                continue;
            }

            foreach (var (resource, amount) in subjob.Allocation)
            {
                if (resource.IsHost)
                {
                    onHosts[(host, resource)] = onHosts.GetValueOrDefault((host, resource)) + amount;
                }
                else if (resource.IsPerHostGlobal)
                {
                    perHost[(host, resource)] = Math.Max(perHost.GetValueOrDefault((host, resource)), amount);
                }
                else
                {
                    global[resource] = global.GetValueOrDefault(resource) + amount;
                }
            }

            if (cluster.FindRunning(subjob.WorkId) is not { } work || work.Host != host)
            {
                problems.Add($"subjob {subjob.WorkId} is running on {host} but the ledger does not book it there");
            }
        }

        foreach (var work in cluster.Running)
        {
            if (subjobs.TryGetValue(work.Id, out var subjob) && subjob.State == WorkState.Running)
            {
                continue;
            }

            if (!isInstanceWork(work.Id))
            {
                problems.Add($"the ledger books {work.Id} on {work.Host} ({work.Allocation}) but no running work claims it");
                continue;
            }

            // An algorithm instance holds exactly its manifest's reservation (plain counts only) while it is placed.
            live++;
            foreach (var item in work.Request.Spec.EffectiveItems())
            {
                if (item.IsElastic)
                {
                    problems.Add($"instance {work.Id} asks for {item}, which is not a plain count");
                }

                if (item.Resource.IsHost)
                {
                    onHosts[(work.Host, item.Resource)] = onHosts.GetValueOrDefault((work.Host, item.Resource)) + item.Min;
                }
                else if (item.Resource.IsPerHostGlobal)
                {
                    perHost[(work.Host, item.Resource)] = Math.Max(perHost.GetValueOrDefault((work.Host, item.Resource)), item.Min);
                }
                else
                {
                    global[item.Resource] = global.GetValueOrDefault(item.Resource) + item.Min;
                }
            }
        }

        foreach (var ((_, resource), amount) in perHost)
        {
            global[resource] = global.GetValueOrDefault(resource) + amount;
        }

        var lines = new List<LedgerLineView>();
        foreach (var name in ledger.HostNames.Order(StringComparer.Ordinal))
        {
            var usage = ledger.HostUsage(ledger.HostIndex(name));
            foreach (var u in usage)
            {
                lines.Add(new LedgerLineView(name, u.Resource.ToString(), u.Total, u.Used, onHosts.GetValueOrDefault((name, u.Resource))));
            }

            foreach (var ((host, resource), amount) in onHosts.Where(kv => kv.Key.Host == name && usage.All(u => u.Resource != kv.Key.Resource)))
            {
                problems.Add($"{host} has no {resource}, yet running work holds {amount} of it");
            }
        }

        foreach (var u in ledger.GlobalUsage())
        {
            lines.Add(new LedgerLineView(null, u.Resource.ToString(), u.Total, u.Used, global.GetValueOrDefault(u.Resource)));
        }

        foreach (var line in lines)
        {
            var where = line.Host ?? "the cluster";
            if (line.Used != line.Allocated)
            {
                problems.Add($"{line.Resource} on {where}: used {line.Used}, but live allocations add up to {line.Allocated}");
            }

            // A total lowered at run time below what is held is allowed: the holders keep it until they end.
            if (line.Used < 0)
            {
                problems.Add($"{line.Resource} on {where}: used {line.Used} is negative");
            }
        }

        return new LedgerAuditView(problems.Count == 0, now, live, lines, problems);
    }
}
