using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary>The admin's run-time controls: <c>resources set|report</c> and <c>workers set</c>.</summary>
internal static class FarmCommands
{
    public static void AddResourceCommands(Command resources)
    {
        resources.Subcommands.Add(SetTotals());
        resources.Subcommands.Add(Report());
    }

    public static void AddWorkerCommands(Command workers)
    {
        workers.Subcommands.Add(SetWorker());
        workers.Subcommands.Add(Lock());
        workers.Subcommands.Add(Unlock());
    }

    private static Command Lock()
    {
        var name = new Argument<string>("name") { Description = "The worker's name" };
        var purge = new Option<bool>("--purge") { Description = "Also kill its running subjobs and put them back in the queue" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("lock", "Lock a worker (admin key): no new work, running work finishes; kept across restarts") { name, purge, json };
        command.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var worker = await client.PostAsync<WorkerView>(
                $"/v1/workers/{Uri.EscapeDataString(result.GetValue(name)!)}/lock{(result.GetValue(purge) ? "?purge=true" : "")}", null, cancellation).ConfigureAwait(false);
            return PrintWorker(worker, result.GetValue(json));
        }));
        return command;
    }

    private static Command Unlock()
    {
        var name = new Argument<string>("name") { Description = "The worker's name" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("unlock", "Unlock a worker (admin key): it takes new work again") { name, json };
        command.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var worker = await client.PostAsync<WorkerView>(
                $"/v1/workers/{Uri.EscapeDataString(result.GetValue(name)!)}/unlock", null, cancellation).ConfigureAwait(false);
            return PrintWorker(worker, result.GetValue(json));
        }));
        return command;
    }

    private static int PrintWorker(WorkerView worker, bool json)
    {
        if (json)
        {
            Output.WriteJson(worker);
            return ExitCodes.Ok;
        }

        Console.Out.WriteLine($"{worker.Name}  {worker.State}{(worker.Locked ? "  locked" : "")}  running {worker.Running}");
        ClusterViewCommands.PrintUsage(worker.Resources);
        return ExitCodes.Ok;
    }

    private static Command SetTotals()
    {
        var spec = new Argument<string>("totals") { Description = "TYPE.NAME=N[,...] with TYPE global, license or global_host, e.g. global.maya=3" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var set = new Command("set", "Set cluster-wide resource totals at run time (admin key); kept across restarts") { spec, json };
        set.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var totals = Parse(result.GetValue(spec)!, ResourceScope.Global, "totals");
            var changed = new List<ResourceUsageView>();
            foreach (var (resource, total) in totals)
            {
                changed.Add(await client.PutAsync<ResourceUsageView>(
                    $"/v1/resources/{Uri.EscapeDataString(resource.ToString())}", new SetResourceTotalRequest(total), cancellation).ConfigureAwait(false));
            }

            if (result.GetValue(json))
            {
                Output.WriteJson(new { Resources = changed });
                return ExitCodes.Ok;
            }

            ClusterViewCommands.PrintUsage(changed);
            return ExitCodes.Ok;
        }));
        return set;
    }

    private static Command Report()
    {
        var resource = new Argument<string>("license") { Description = "The license resource, e.g. license.nuke" };
        var inUse = new Option<int>("--in-use") { Description = "How many are in use outside the farm", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var report = new Command("report", "Report a license's use outside the farm (admin key); the farm takes only the rest") { resource, inUse, json };
        report.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var text = result.GetValue(resource)!;
            if (!ResourceName.TryParse(text.Trim(), out var name, out var error))
            {
                throw new CliException($"license: {error}", ExitCodes.InvalidInput);
            }

            if (name.Scope != ResourceScope.License)
            {
                throw new CliException($"license: {name} is not a license resource; outside use is reported for license.NAME only", ExitCodes.InvalidInput);
            }

            var count = result.GetValue(inUse);
            if (count < 0)
            {
                throw new CliException($"--in-use: {count} is negative; give how many are in use outside the farm", ExitCodes.InvalidInput);
            }

            var usage = await client.PostAsync<ResourceUsageView>(
                $"/v1/resources/{Uri.EscapeDataString(name.ToString())}/outside-use", new ReportOutsideUseRequest(count), cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(usage);
                return ExitCodes.Ok;
            }

            ClusterViewCommands.PrintUsage([usage]);
            return ExitCodes.Ok;
        }));
        return report;
    }

    private static Command SetWorker()
    {
        var name = new Argument<string>("name") { Description = "The worker's name" };
        var spec = new Argument<string>("totals") { Description = "host.NAME=N[,...], e.g. host.gpu=2" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var set = new Command("set", "Set a worker's host resource totals at run time (admin key); kept over its config and across restarts") { name, spec, json };
        set.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var totals = Parse(result.GetValue(spec)!, ResourceScope.Host, "totals");
            var worker = await client.PutAsync<WorkerView>(
                $"/v1/workers/{Uri.EscapeDataString(result.GetValue(name)!)}/resources",
                new SetWorkerResourcesRequest(ResourceTotals.Format(totals)), cancellation).ConfigureAwait(false);
            return PrintWorker(worker, result.GetValue(json));
        }));
        return set;
    }

    private static IReadOnlyDictionary<ResourceName, int> Parse(string text, ResourceScope scope, string what)
    {
        try
        {
            var totals = ResourceTotals.Parse(text, scope);
            return totals.Count > 0 ? totals : throw new CliException($"{what}: give at least one TYPE.NAME=N", ExitCodes.InvalidInput);
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new CliException($"{what}: {e.Message}", ExitCodes.InvalidInput);
        }
    }
}
