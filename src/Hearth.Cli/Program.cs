using System.CommandLine;
using Hearth.Cli.Commands;

var root = new RootCommand("Hearth: a cluster supervisor for jobs and algorithms.");
CommandCatalog.AddAll(root);
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
