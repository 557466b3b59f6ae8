using Hearth.Protocol.Rest;

using Hearth.Testing;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>
/// The ledger invariant seen from outside: every resource's used count, per host and globally, equals the sum
/// of the allocations of the subjobs the API reports running and of the algorithm instances placed on workers
/// (each holding its manifest's reservation, given per algorithm), and the supervisor's own audit agrees.
/// </summary>
internal static class LedgerCheck
{
    /// <summary>Asserts the invariant; retried within a bound only so a cycle in flight can land, never to hide a lasting difference.</summary>
    public static async Task AssertConsistentAsync(SupervisorApi api, IReadOnlyDictionary<string, Dictionary<string, int>>? manifests = null)
    {
        var last = "";
        await Poll.UntilAsync("the ledger to equal the sum of live allocations", async () =>
        {
            last = await DifferencesAsync(api, manifests ?? new Dictionary<string, Dictionary<string, int>>());
            return last.Length == 0;
        }, TimeSpan.FromSeconds(15), () => last);
    }

    /// <summary>Everything that differs, one line each; empty when the ledger is consistent.</summary>
    public static async Task<string> DifferencesAsync(SupervisorApi api, IReadOnlyDictionary<string, Dictionary<string, int>> manifests)
    {
        var jobs = await api.AllJobsAsync();
        var instances = manifests.Count == 0 ? [] : (await api.InstancesAsync()).Instances;
        var resources = await api.ResourcesAsync();
        var audit = await api.AuditAsync();
        var again = await api.AllJobsAsync();
        if (!Same(jobs, again))
        {
            return "jobs changed while the ledger was read";
        }

        var onHosts = new Dictionary<(string, string), int>();
        var global = new Dictionary<string, int>(StringComparer.Ordinal);
        var placed = instances.Where(i => i.Worker is not null).Select(i => (Host: i.Worker!, Holds: (IReadOnlyDictionary<string, int>)manifests[i.Algorithm]));
        foreach (var (host, holds) in jobs.SelectMany(j => j.Subjobs).Where(s => s.State == JobStates.Running).Select(s => (s.Host!, s.Allocations)).Concat(placed))
        {
            foreach (var (resource, amount) in holds)
            {
                if (resource.StartsWith("host.", StringComparison.Ordinal))
                {
                    onHosts[(host, resource)] = onHosts.GetValueOrDefault((host, resource)) + amount;
                }
                else
                {
                    global[resource] = global.GetValueOrDefault(resource) + amount;
                }
            }
        }

        var problems = new List<string>(audit.Problems.Select(p => $"audit: {p}"));
        if (!audit.Consistent && audit.Problems.Count == 0)
        {
            problems.Add("audit: inconsistent without a reason");
        }

        foreach (var host in resources.Hosts)
        {
            foreach (var r in host.Resources)
            {
                var expected = onHosts.GetValueOrDefault((host.Host, r.Resource));
                if (r.Used != expected || r.Free != r.Total - r.Used)
                {
                    problems.Add($"{host.Host} {r.Resource}: used {r.Used} free {r.Free} total {r.Total}, running subjobs hold {expected}");
                }
            }
        }

        foreach (var ((host, resource), amount) in onHosts)
        {
            if (!resources.Hosts.Any(h => h.Host == host && h.Resources.Any(r => r.Resource == resource)))
            {
                problems.Add($"running subjobs hold {amount} {resource} on {host}, which the resources view does not show");
            }
        }

        foreach (var g in resources.Global)
        {
            if (g.Used != global.GetValueOrDefault(g.Resource))
            {
                problems.Add($"{g.Resource}: used {g.Used}, running subjobs hold {global.GetValueOrDefault(g.Resource)}");
            }
        }

        return string.Join('\n', problems);
    }

    private static bool Same(IReadOnlyList<JobView> a, IReadOnlyList<JobView> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Subjobs.Select(s => (s.State, s.Attempt)).SequenceEqual(p.Second.Subjobs.Select(s => (s.State, s.Attempt))));
}
