using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>Every command of the CLI, registered in one place so each command group can live in its own file.</summary>
internal static class CommandCatalog
{
    public static void AddAll(RootCommand root)
    {
        root.Subcommands.Add(ResourceRequestCommands.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(BenchCommands.Create());
        root.Subcommands.Add(AlgoCommands.Create());
        root.Subcommands.Add(ReservationsCommands.Create());
        root.Subcommands.Add(FrameCommands.Create());
        foreach (var command in ClusterCommands.Create().Concat(JobCommands.Create()).Concat(ClusterViewCommands.Create())
            .Concat(AccountCommands.Create()).Concat(CallCommands.Create()).Concat(JobChangeCommands.Create()))
        {
            root.Subcommands.Add(command);
        }
    }
}
