using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>modify</c>: change a job after submission; <c>policy</c>: the admin's cluster-wide rules.</summary>
internal static class JobChangeCommands
{
    public static IEnumerable<Command> Create() => [Modify(), Policy()];

    private static Command Modify()
    {
        var id = new Argument<string>("id") { Description = "A job ID" };
        var priority = new Option<int?>("--priority") { Description = "A new priority, 1 highest to 9999 lowest; pending and running jobs" };
        var reservations = new Option<string?>("--reservations", "-r") { Description = "New reservations; pending jobs only" };
        var requirements = new Option<string?>("--requirements") { Description = "New requirements (\"\" removes them); pending jobs only" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("modify", "Change a job: --priority while it is pending or running, --reservations and --requirements while it is pending")
        {
            id, priority, reservations, requirements, json,
        };
        command.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var spec = result.GetValue(reservations);
            if (spec is not null && !ResourceRequest.TryParse(spec, out _, out var error))
            {
                return Output.Error($"invalid reservation: {error}", ExitCodes.InvalidInput);
            }

            var where = result.GetValue(requirements);
            if (where is not null && !Requirement.TryParse(where, out _, out var whereError))
            {
                return Output.Error($"--requirements: {whereError}", ExitCodes.InvalidInput);
            }

            if (result.GetValue(priority) is null && spec is null && where is null)
            {
                return Output.Error("nothing to change: give --priority, --reservations or --requirements", ExitCodes.InvalidInput);
            }

            var view = await client.PostAsync<JobView>(
                $"/v1/jobs/{jobId}/modify", new ModifyJobRequest(result.GetValue(priority), spec, where), cancellation).ConfigureAwait(false);
            JobCommands.PrintJob(view, result.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Policy()
    {
        var highest = new Option<int?>("--highest-user-priority")
        {
            Description = "Set the highest priority account keys may use (the lowest number; 1 runs first, and leaves accounts every priority)",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("policy", "Show or set cluster-wide rules (admin key); kept across restarts") { highest, json };
        command.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var view = result.GetValue(highest) is { } priority
                ? await client.PutAsync<PolicyView>("/v1/policy", new SetPolicyRequest(priority), cancellation).ConfigureAwait(false)
                : await client.GetAsync<PolicyView>("/v1/policy", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(view);
            }
            else
            {
                Console.Out.WriteLine($"highest user priority {view.HighestUserPriority} (account keys may use {view.HighestUserPriority} to 9999; 1 runs first)");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
