using System.CommandLine;
using System.Text.Json.Nodes;
using Hearth.Core.Placement;
using Hearth.Core.Simulation;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth simulate SCENARIO.json</c>: placement decisions as JSON lines, with no processes.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("scenario") { Description = "A scenario file (JSON); - reads standard input" };
        // The output is JSON lines either way; --json is accepted because every command that prints data takes it.
        var json = new Option<bool>("--json") { Description = "Print JSON lines (the only format simulate prints, so this changes nothing)" };
        var command = new Command("simulate", "Run a scenario through the placement engine and print its decisions as JSON lines") { file, json };
        command.SetAction(result => Run(result.GetValue(file)!));
        return command;
    }

    private static int Run(string path)
    {
        string json;
        try
        {
            json = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Output.Error($"cannot read scenario {path}: {e.Message}", ExitCodes.InvalidInput);
        }

        Scenario scenario;
        try
        {
            scenario = Scenario.Parse(json);
        }
        catch (ScenarioException e)
        {
            return Output.Error($"{path}: {e.Message}", ExitCodes.InvalidInput);
        }

        foreach (var line in Simulator.Run(scenario))
        {
            Console.Out.WriteLine(Output.JsonLine(ToJson(line)));
        }

        return ExitCodes.Ok;
    }

    private static JsonObject ToJson(SimulationOutput line) => line switch
    {
        DispatchOutput d => new() { ["event"] = "dispatch", ["id"] = d.Id, ["host"] = d.Host, ["allocations"] = Amounts(d.Allocations) },
        GrowOutput g => new() { ["event"] = "grow", ["id"] = g.Id, ["host"] = g.Host, ["allocations"] = Amounts(g.Allocations) },
        ReleaseOutput r => new() { ["event"] = "release", ["id"] = r.Id, ["host"] = r.Host },
        RejectedOutput r => new() { ["event"] = "rejected", ["id"] = r.Id, ["error"] = r.Error },
        EndOutput end => End(end),
        _ => throw new InvalidOperationException($"unknown output {line.GetType().Name}"),
    };

    /// <summary>The end line; <c>quota</c> (why pending work waits on its account's quota) only when some does.</summary>
    private static JsonObject End(EndOutput end)
    {
        var line = new JsonObject
        {
            ["event"] = "end",
            ["pending"] = new JsonArray([.. end.Pending.Select(id => (JsonNode)id)]),
            ["running"] = new JsonObject(end.Running.Select(w => KeyValuePair.Create(
                w.Id, (JsonNode?)new JsonObject { ["host"] = w.Host, ["allocations"] = Amounts(w.Allocation) }))),
        };
        if (end.Quota.Count > 0)
        {
            line["quota"] = new JsonObject(end.Quota.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return line;
    }

    public static JsonObject Amounts(Allocation allocation) =>
        new(allocation.Select(kv => KeyValuePair.Create(kv.Key.ToString(), (JsonNode?)kv.Value)));
}
