using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hearth.Core.Simulation;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth bench ...</c>: the project's benchmarks. Figures come from here, never from timed tests.</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks");
        bench.Subcommands.Add(Placement());
        bench.Subcommands.Add(JobsBenchCommand.Create());
        bench.Subcommands.Add(CallsBenchCommand.Create());
        return bench;
    }

    private static Command Placement()
    {
        var hosts = new Option<int>("--hosts") { Description = "Hosts in the synthetic cluster (64 slots each)", DefaultValueFactory = _ => 10_000 };
        var jobs = new Option<int>("--jobs") { Description = "Submissions in the stream", DefaultValueFactory = _ => 200_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same workload", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "End with one JSON line" };
        var command = new Command("placement", "Placement decisions per second on a synthetic cluster") { hosts, jobs, seed, json };
        command.SetAction(result =>
        {
            var h = result.GetValue(hosts);
            var j = result.GetValue(jobs);
            if (h < 1 || j < 1)
            {
                return Output.Error("--hosts and --jobs must be at least 1", ExitCodes.InvalidInput);
            }

            var run = PlacementBenchmark.Run(h, j, result.GetValue(seed));
            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            var rate = Math.Round(run.DecisionsPerSecond);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Hosts} hosts x {PlacementBenchmark.SlotsPerHost} slots, {run.Jobs} jobs: {run.Dispatches} dispatches + {run.Grows} grows in {run.Cycles} cycles, {run.Elapsed.TotalMilliseconds:F0} ms"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rate:F0} placements/s, peak {peakMb:F0} MB"));
            if (result.GetValue(json))
            {
                Output.WriteJson(new { run.Hosts, run.Jobs, PlacementsPerSecond = rate, PeakMb = Math.Round(peakMb, 1) });
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
