using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>frames JOB</c> and <c>frames retry|complete|block|unblock|kill JOB [RANGE]</c>: an agenda job's work items.</summary>
internal static class FrameCommands
{
    private static readonly string[] Actions = ["retry", "complete", "block", "unblock", "kill"];

    public static Command Create()
    {
        var id = new Argument<string>("job") { Description = "An agenda job's ID" };
        var state = new Option<string?>("--state") { Description = "Only items in this state: pending, running, complete, failed, blocked or killed" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var frames = new Command("frames", "Show an agenda job's work items, or act on them: frames retry|complete|block|unblock|kill JOB [RANGE]") { id, state, json };
        foreach (var action in Actions)
        {
            frames.Subcommands.Add(Action(action));
        }

        frames.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var items = new List<FrameView>();
            int? after = null;
            do
            {
                var query = new List<string>();
                if (result.GetValue(state) is { } s)
                {
                    query.Add("state=" + Uri.EscapeDataString(s));
                }

                if (after is { } a)
                {
                    query.Add("after=" + a.ToString(CultureInfo.InvariantCulture));
                }

                var page = await client.GetAsync<FrameListView>(
                    $"/v1/jobs/{jobId}/frames" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellation).ConfigureAwait(false);
                items.AddRange(page.Frames);
                after = page.Next;
            }
            while (after is not null);

            if (result.GetValue(json))
            {
                Output.WriteJson(new FrameListView(items));
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine($"{"ITEM",-14} {"STATE",-9} {"ATTEMPT",7} {"SUBJOB",6}  {"HOST",-16} {"EXIT",4}  ERROR");
            foreach (var f in items)
            {
                var subjob = f.Subjob is { } n ? n.ToString(CultureInfo.InvariantCulture) : "-";
                var exit = f.ExitCode is { } c ? c.ToString(CultureInfo.InvariantCulture) : "-";
                Console.Out.WriteLine($"{f.Name,-14} {f.State,-9} {f.Attempt,7} {subjob,6}  {f.Host ?? "-",-16} {exit,4}  {f.Error}");
            }

            return ExitCodes.Ok;
        }));
        return frames;
    }

    private static Command Action(string action)
    {
        var id = new Argument<string>("job") { Description = "An agenda job's ID" };
        var range = new Argument<string?>("range") { Description = "The frames whose items it takes, e.g. 1-10,20 (default: every item it applies to)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command(action, Describe(action)) { id, range, json };
        command.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var jobId = ClientCommand.ParseJobId(result.GetValue(id)!);
            var done = await client.PostAsync<FrameActionView>(
                $"/v1/jobs/{jobId}/frames/{action}", new FrameActionRequest(result.GetValue(range)), cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(done);
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine($"{action}: {done.Items.Count} item(s): {string.Join(' ', done.Items.Take(20))}{(done.Items.Count > 20 ? " …" : "")}");
            Console.Out.WriteLine("  " + Counts(done.Frames));
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static string Counts(IReadOnlyDictionary<string, int> counts) =>
        string.Join("  ", counts.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value}"));

    private static string Describe(string action) => action switch
    {
        "retry" => "Run ended items again (without a range: every failed item)",
        "complete" => "Mark items complete without running them",
        "block" => "Hold pending items back",
        "unblock" => "Let blocked items run",
        _ => "Kill items: waiting ones at once, running ones are stopped",
    };
}
