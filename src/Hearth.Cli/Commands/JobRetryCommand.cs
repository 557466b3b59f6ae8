using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>job retry ID [--subjob K]</c>: reruns a job's failed or killed subjobs.</summary>
internal static class JobRetryCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "A job ID" };
        var subjob = new Option<int?>("--subjob") { Description = "Only this subjob (default: every failed or killed one)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var retry = new Command(
            "retry",
            "Run a job's failed or killed subjobs again, away from the host they last ran on if another fits; a job that failed because a dependency did waits for it again")
        {
            id, subjob, json,
        };
        retry.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var only = result.GetValue(subjob);
            if (only < 0)
            {
                return Output.Error($"--subjob {only} is negative; subjobs are numbered from 0", ExitCodes.InvalidInput);
            }

            var query = only is { } k ? "?subjob=" + k.ToString(CultureInfo.InvariantCulture) : "";
            var view = await client.PostAsync<JobView>($"/v1/jobs/{jobId}/retry{query}", null, cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(view);
            }
            else
            {
                Console.Out.WriteLine($"job {view.Id} {view.Name}: {view.State}");
            }

            return ExitCodes.Ok;
        }));
        return retry;
    }
}
