using System.CommandLine;
using Hearth.Core.Requirements;
using Hearth.Cli.Client;

namespace Hearth.Cli.Commands;

/// <summary>
/// Where work may run: <c>--requirements EXPR</c> and its shorthands <c>--hosts</c>, <c>--omit-hosts</c> and
/// <c>--groups</c>, joined into one expression and checked before anything is sent.
/// </summary>
internal sealed class WhereOptions
{
    private readonly Option<string?> _requirements = new("--requirements")
    {
        Description = "Where the job may run, e.g. 'host.os == \"linux\" and \"gpu\" in host.groups and host.memory.free >= 4000'",
    };

    private readonly Option<string?> _hosts = new("--hosts") { Description = "Run only on these workers, e.g. render01,render02" };

    private readonly Option<string?> _omitHosts = new("--omit-hosts") { Description = "Never run on these workers" };

    private readonly Option<string?> _groups = new("--groups") { Description = "Run only on workers in one of these groups, e.g. gpu,render" };

    public void AddTo(Command command)
    {
        command.Options.Add(_requirements);
        command.Options.Add(_hosts);
        command.Options.Add(_omitHosts);
        command.Options.Add(_groups);
    }

    /// <summary>The requirements given, in canonical form; null when none were. Throws <see cref="CliException"/> naming the column of a syntax error.</summary>
    public string? Read(ParseResult result)
    {
        static string[] List(string? text) => text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        var expression = result.GetValue(_requirements);
        if (expression is not null && !Requirement.TryParse(expression, out _, out var error))
        {
            throw new CliException($"--requirements: {error}", ExitCodes.InvalidInput);
        }

        var composed = RequirementShorthands.Compose(expression, List(result.GetValue(_hosts)), List(result.GetValue(_omitHosts)), List(result.GetValue(_groups)));
        if (!Requirement.TryParse(composed, out var requirement, out var shorthandError))
        {
            throw new CliException($"--hosts/--omit-hosts/--groups: {shorthandError}", ExitCodes.InvalidInput);
        }

        return requirement?.Text;
    }
}
