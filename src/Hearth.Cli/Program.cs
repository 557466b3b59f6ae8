using System.CommandLine;
using Hearth.Cli.Commands;

var root = new RootCommand("Hearth: a cluster supervisor for jobs and algorithms.");
CommandCatalog.AddAll(root);
// Long-running commands handle Ctrl-C and SIGTERM themselves so they can stop their processes cleanly.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
