using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

/// <summary>
/// Runs a scenario through the real placement engine, with no processes: after each event one dispatch
/// cycle, whose decisions are the output. The same scenario always gives the same output.
/// </summary>
public static class Simulator
{
    public static IEnumerable<SimulationOutput> Run(Scenario scenario)
    {
        var cluster = new Cluster();
        foreach (var host in scenario.Hosts)
        {
            var index = cluster.AddHost(host.Name, host.Resources);
            cluster.Ledger.SetProperties(index, host.Properties ?? HostProperties.Unknown(host.Name));
        }

        foreach (var (resource, total) in scenario.Global)
        {
            cluster.Ledger.DefineGlobal(resource, total);
        }

        foreach (var account in scenario.Accounts)
        {
            cluster.Quotas.SetLimits(account.Name, account.Limits);
            cluster.Quotas.SetOrganizations(account.Name, account.Organizations);
        }

        long sequence = 0;
        foreach (var e in scenario.Events)
        {
            foreach (var line in Handle(cluster, e, ref sequence))
            {
                yield return line;
            }

            var plan = PlacementEngine.Decide(cluster);
            cluster.Apply(plan);
            foreach (var decision in plan.Decisions)
            {
                yield return decision is GrowDecision
                    ? new GrowOutput(decision.WorkId, decision.Host, decision.Allocation)
                    : new DispatchOutput(decision.WorkId, decision.Host, decision.Allocation);
            }
        }

        var quota = new List<KeyValuePair<string, string>>();
        foreach (var request in cluster.Pending)
        {
            if (cluster.Quotas.Explain(request) is { } why)
            {
                quota.Add(KeyValuePair.Create(request.Id, why));
            }
        }

        yield return new EndOutput(
            [.. cluster.Pending.Select(w => w.Id)],
            [.. cluster.Running.OrderBy(w => w.Request, Cluster.Order)]) { Quota = quota };
    }

    private static List<SimulationOutput> Handle(Cluster cluster, ScenarioEvent e, ref long sequence)
    {
        switch (e)
        {
            case SubmitEvent submit:
                try
                {
                    var spec = submit.Reservations is null ? ResourceRequest.Default : ResourceRequest.Parse(submit.Reservations);
                    cluster.Submit(new WorkRequest(submit.Id, spec, submit.Priority, sequence++, Requirement.ParseOrNone(submit.Requirements)) { Account = submit.Account });
                    return [];
                }
                catch (Exception ex) when (ex is ResourceRequestSyntaxException or PlacementException or RequirementSyntaxException)
                {
                    return [new RejectedOutput(submit.Id, ex.Message)];
                }

            case FinishEvent finish:
                if (cluster.Finish(finish.Id) is { } ended)
                {
                    return [new ReleaseOutput(ended.Id, ended.Host)];
                }

                cluster.Withdraw(finish.Id);
                return [];
            case HostDownEvent down:
                var lost = cluster.HostDown(down.Host);
                foreach (var work in lost)
                {
                    cluster.Submit(work.Request);
                }

                return [.. lost.Select(w => (SimulationOutput)new ReleaseOutput(w.Id, w.Host))];
            case HostUpEvent up:
                cluster.HostUp(up.Host);
                return [];
            case HostLockEvent lockEvent:
                cluster.SetLocked(lockEvent.Host, lockEvent.Locked);
                return [];
            default:
                throw new ScenarioException($"unknown event {e.GetType().Name}");
        }
    }
}
