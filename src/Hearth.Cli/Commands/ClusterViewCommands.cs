using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>workers</c> (and <c>workers remove</c>) and <c>resources</c>: the cluster as the supervisor sees it.</summary>
internal static class ClusterViewCommands
{
    public static IEnumerable<Command> Create() => [Workers(), Resources()];

    private static Command Workers()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var workers = new Command("workers", "List workers with their state and total/used/free resources") { json, Remove() };
        FarmCommands.AddWorkerCommands(workers);
        workers.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var list = await client.GetAsync<WorkerListView>("/v1/workers", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(list);
                return ExitCodes.Ok;
            }

            if (list.Workers.Count == 0)
            {
                Console.Out.WriteLine("no workers have registered");
            }

            foreach (var w in list.Workers)
            {
                Console.Out.WriteLine($"{w.Name}  {w.State}{(w.Locked ? "  locked" : "")}  running {w.Running}  isolation {w.Isolation}{(w.AccountJobs.Length == 0 ? "" : $"  account jobs {w.AccountJobs}")}");
                if (w.Properties is { } p && (p.Os.Length > 0 || p.Groups.Count > 0 || p.Cluster.Length > 0))
                {
                    var groups = p.Groups.Count == 0 ? "" : $"  groups {string.Join(',', p.Groups)}";
                    var cluster = p.Cluster.Length == 0 ? "" : $"  cluster {p.Cluster}";
                    Console.Out.WriteLine($"  {p.Os}/{p.Arch}{groups}{cluster}{(p.CpuModel.Length == 0 ? "" : $"  cpu {p.CpuModel}")}");
                }

                PrintUsage(w.Resources);
            }

            return ExitCodes.Ok;
        }));
        return workers;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The worker's name" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var remove = new Command("remove", "Forget a worker that is down (admin key); refused while it is up, unreachable or holds work") { name, json };
        remove.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var worker = result.GetValue(name)!;
            await client.DeleteAsync($"/v1/workers/{Uri.EscapeDataString(worker)}", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { Name = worker, Removed = true });
            }
            else
            {
                Console.Out.WriteLine($"worker {worker} removed");
            }

            return ExitCodes.Ok;
        }));
        return remove;
    }

    private static Command Resources()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var resources = new Command("resources", "Total/used/free of every resource, globally and per host") { json };
        FarmCommands.AddResourceCommands(resources);
        resources.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var view = await client.GetAsync<ResourcesView>("/v1/resources", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(view);
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine("global");
            if (view.Global.Count == 0)
            {
                Console.Out.WriteLine("  (none defined)");
            }

            PrintUsage(view.Global);
            Console.Out.WriteLine($"hosts up ({view.Available.Hosts}): what work can be placed on");
            PrintUsage(view.Available.Resources);
            if (view.Down.Hosts > 0)
            {
                Console.Out.WriteLine($"hosts down or unreachable ({view.Down.Hosts}: {string.Join(", ", view.Down.Workers ?? [])}): not free");
                foreach (var r in view.Down.Resources)
                {
                    Console.Out.WriteLine($"  {r.Resource,-24} total {r.Total,7}  used {r.Used,7}");
                }
            }

            foreach (var host in view.Hosts)
            {
                Console.Out.WriteLine($"{host.Host} ({host.State})");
                PrintUsage(host.Resources);
            }

            return ExitCodes.Ok;
        }));
        return resources;
    }

    internal static void PrintUsage(IReadOnlyList<ResourceUsageView> usage)
    {
        foreach (var r in usage)
        {
            var outside = r.Outside > 0 || r.Resource.StartsWith("license.", StringComparison.Ordinal) ? $"  outside {r.Outside,7}" : "";
            Console.Out.WriteLine($"  {r.Resource,-24} total {r.Total,7}  used {r.Used,7}{outside}  free {r.Free,7}");
        }
    }
}
