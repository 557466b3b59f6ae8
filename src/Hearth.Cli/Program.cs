using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using Hearth.Cli.Commands;

// The CLI speaks English, and its usage errors are recognised in the parser's English wording.
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
var root = new RootCommand("Hearth: a cluster supervisor for jobs and algorithms.");
CommandCatalog.AddAll(root);
var parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction || (parsed.Action is not null && UsageErrors.Any(parsed)))
{
    return UsageErrors.Report(parsed);
}

// Long-running commands handle Ctrl-C and SIGTERM themselves so they can stop their processes cleanly.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
