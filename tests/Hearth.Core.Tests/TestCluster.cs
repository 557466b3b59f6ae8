using System.Globalization;
using System.Runtime.CompilerServices;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// Builds clusters from compact text and runs placement cycles, describing decisions as one line each so that
/// table rows and assertions compare whole decisions at once.
/// </summary>
internal static class TestCluster
{
    private static readonly ConditionalWeakTable<Cluster, StrongBox<long>> Sequences = [];

    /// <summary>
    /// A cluster from <c>"h1: host.processors=4,host.memory=1000; h2: host.processors=8"</c> and an optional
    /// <c>"global.maya=1"</c>.
    /// </summary>
    public static Cluster Create(string hosts, string? global = null)
    {
        var cluster = new Cluster();
        foreach (var host in hosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = host.IndexOf(':', StringComparison.Ordinal);
            cluster.AddHost(host[..colon].Trim(), ResourceTotals.Parse(host[(colon + 1)..], ResourceScope.Host));
        }

        foreach (var (resource, total) in ResourceTotals.Parse(global, ResourceScope.Global))
        {
            cluster.Ledger.DefineGlobal(resource, total);
        }

        return cluster;
    }

    /// <summary>Queues work in submission order; a null spec is a job with no reservation string.</summary>
    public static WorkRequest Submit(this Cluster cluster, string id, string? spec, int priority = WorkRequest.DefaultPriority)
    {
        var sequence = Sequences.GetOrCreateValue(cluster);
        var request = new WorkRequest(id, ResourceRequest.ParseOrDefault(spec), priority, sequence.Value++);
        cluster.Submit(request);
        return request;
    }

    /// <summary>One placement cycle: decide, apply, and describe each decision.</summary>
    public static List<string> Cycle(this Cluster cluster)
    {
        var plan = PlacementEngine.Decide(cluster);
        cluster.Apply(plan);
        return [.. plan.Decisions.Select(Describe)];
    }

    /// <summary>Submits and dispatches work, failing when it does not start at once.</summary>
    public static RunningWork Start(this Cluster cluster, string id, string? spec, int priority = WorkRequest.DefaultPriority)
    {
        cluster.Submit(id, spec, priority);
        cluster.Cycle();
        return cluster.FindRunning(id) ?? throw new InvalidOperationException($"{id} ({spec}) did not start");
    }

    /// <summary><c>dispatch a h1 host.processors=8</c> or <c>grow a h1 host.processors=6 (+2)</c>.</summary>
    public static string Describe(PlacementDecision decision) => decision switch
    {
        GrowDecision grow => $"grow {grow.WorkId} {grow.Host} {grow.Allocation} (+{grow.Added})",
        _ => $"dispatch {decision.WorkId} {decision.Host} {decision.Allocation}",
    };

    /// <summary>An allocation from <c>"host.processors=2,global.maya=1"</c>, in the order written.</summary>
    public static Allocation Allocation(string text) => new(text.Split(',').Select(item =>
    {
        var parts = item.Split('=');
        Assert.True(ResourceName.TryParse(parts[0], out var name, out var error), error);
        return new KeyValuePair<ResourceName, int>(name, int.Parse(parts[1], CultureInfo.InvariantCulture));
    }));

    /// <summary><c>host.processors 3/8</c> per resource of one host, used over total.</summary>
    public static string Usage(this Cluster cluster, string host) =>
        string.Join(", ", cluster.Ledger.HostUsage(cluster.Ledger.HostIndex(host)).Select(Format));

    public static string GlobalUsage(this Cluster cluster) =>
        string.Join(", ", cluster.Ledger.GlobalUsage().Select(Format));

    public static string RunningText(this Cluster cluster) =>
        string.Join("; ", cluster.Running.OrderBy(w => w.Id, StringComparer.Ordinal).Select(w => $"{w.Id}@{w.Host} {w.Allocation}"));

    public static string PendingText(this Cluster cluster) => string.Join(",", cluster.Pending.Select(w => w.Id));

    private static string Format(ResourceUsage usage) =>
        string.Create(CultureInfo.InvariantCulture, $"{usage.Resource} {usage.Used}/{usage.Total}");
}
