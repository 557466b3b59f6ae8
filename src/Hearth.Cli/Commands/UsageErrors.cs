using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Hearth.Cli.Commands;

/// <summary>
/// Every command-line usage error, reported the same way for every command: one line per error on stderr
/// that names the option or argument and says what is wrong in plain words, then where to find help, and
/// the invalid-input exit code. The parser's own messages name .NET types and come with the whole help text.
/// </summary>
internal static partial class UsageErrors
{
    private const string NoCommand = "Required command was not provided";

    /// <summary>Prints the errors of <paramref name="result"/> and returns the exit code to end with.</summary>
    public static int Report(ParseResult result)
    {
        foreach (var line in Describe(result).Distinct(StringComparer.Ordinal))
        {
            Output.Error(line);
        }

        Console.Error.WriteLine($"Try '{CommandPath(result.CommandResult)} --help'.");
        return ExitCodes.InvalidInput;
    }

    /// <summary>True when <paramref name="result"/> holds an error to report instead of running the command.</summary>
    public static bool Any(ParseResult result) => result.Errors.Count > 0 || OptionsTakenAsArguments(result).Any();

    /// <summary>One plain-words line per parse error.</summary>
    public static IEnumerable<string> Describe(ParseResult result)
    {
        // An unknown word where a command was expected says more than "needs a command" beside it.
        var unknown = result.Errors.Any(e => Unrecognized().IsMatch(e.Message));
        return result.Errors.Where(e => !(unknown && e.Message.StartsWith(NoCommand, StringComparison.Ordinal))).Select(e => Describe(result, e))
            .Concat(OptionsTakenAsArguments(result));
    }

    /// <summary>
    /// A command with trailing arguments (<c>submit -- CMD ARGS</c>, <c>call ALGO INPUT</c>) would take a misspelt or
    /// unknown option before <c>--</c> as one of them, and run something nobody meant: each is an error by name.
    /// After <c>--</c> everything is an argument.
    /// </summary>
    private static IEnumerable<string> OptionsTakenAsArguments(ParseResult result)
    {
        var beforeDoubleDash = result.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var argument in result.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (beforeDoubleDash.Contains(token) && LooksLikeAnOption(token.Value))
                {
                    yield return $"unknown option {token.Value} for '{CommandPath(result.CommandResult)}'; arguments that start with - go after --";
                }
            }
        }
    }

    private static string Describe(ParseResult result, ParseError error)
    {
        var message = error.Message;
        var symbol = error.SymbolResult;
        if (UnparsableValue().Match(message) is { Success: true } unparsable)
        {
            return $"{Subject(symbol)}: \"{unparsable.Groups["value"].Value}\" is not {Expected(symbol)}";
        }

        if (NotAmongChoices().Match(message) is { Success: true } choice)
        {
            return $"{Subject(symbol)}: \"{choice.Groups["value"].Value}\" is not one of {Choices(choice.Groups["choices"].Value)}";
        }

        if (MissingArgument().IsMatch(message) && symbol is ArgumentResult missing)
        {
            return $"missing {ArgumentName(missing.Argument)}{DescribedAs(missing.Argument.Description)}";
        }

        if (MissingOptionValue().Match(message) is { Success: true } noValue)
        {
            return $"{noValue.Groups["option"].Value}: needs a value";
        }

        if (RequiredOption().Match(message) is { Success: true } required)
        {
            return $"{required.Groups["option"].Value} is required";
        }

        if (SingleValue().Match(message) is { Success: true } single)
        {
            return $"{single.Groups["option"].Value}: takes one value, but was given {single.Groups["count"].Value}";
        }

        if (Unrecognized().Match(message) is { Success: true } unknown)
        {
            var token = unknown.Groups["token"].Value;
            return token.StartsWith('-')
                ? $"unknown option {token} for '{CommandPath(result.CommandResult)}'"
                : result.CommandResult.Command is RootCommand
                    ? $"unknown command \"{token}\""
                    : $"unexpected argument \"{token}\" for '{CommandPath(result.CommandResult)}'";
        }

        if (message.StartsWith(NoCommand, StringComparison.Ordinal) && symbol is CommandResult command)
        {
            return $"'{CommandPath(command)}' needs a command: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        // Our own validators and anything the parser reports in words already; no .NET type names either way.
        return TypeName().Replace(message.ReplaceLineEndings(" "), m => $"'{Words(Type.GetType(m.Groups["type"].Value))}'").TrimEnd('.');
    }

    /// <summary><c>-x</c> or <c>--name</c>; not <c>-</c> (standard input), nor a negative number or frame range (<c>-10--1</c>).</summary>
    private static bool LooksLikeAnOption(string value) =>
        value.Length > 1 && value[0] == '-' && char.IsAsciiLetter(value[value[1] == '-' && value.Length > 2 ? 2 : 1]);

    private static string Subject(SymbolResult? symbol) => symbol switch
    {
        ArgumentResult { Parent: OptionResult option } => option.Option.Name,
        ArgumentResult argument => ArgumentName(argument.Argument),
        OptionResult option => option.Option.Name,
        _ => "value",
    };

    private static string Expected(SymbolResult? symbol) => symbol switch
    {
        ArgumentResult argument => Words(argument.Argument.ValueType),
        OptionResult option => Words(option.Option.ValueType),
        _ => "a valid value",
    };

    private static string Words(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsArray: true })
        {
            return $"{Words(type.GetElementType())} (each value)";
        }

        return type switch
        {
            null => "a valid value",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "an integer",
            _ when type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) => "a whole number of zero or more",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a duration",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
            _ => "a valid value",
        };
    }

    private static string Choices(string listed) =>
        string.Join(", ", listed.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.Trim('\'')));

    private static string ArgumentName(Argument argument) => argument.Name.ToUpperInvariant();

    private static string DescribedAs(string? description) =>
        string.IsNullOrWhiteSpace(description) ? "" : $" ({char.ToLower(description[0], CultureInfo.InvariantCulture)}{description[1..]})";

    internal static string CommandPath(CommandResult? command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is not null; at = at.Parent)
        {
            if (at is CommandResult { Command: not RootCommand } c)
            {
                names.Add(c.Command.Name);
            }
        }

        names.Add("hearth");
        names.Reverse();
        return string.Join(' ', names);
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*?)'(?: for (?:option|command) '[^']*')? as expected type '[^']*'\.", RegexOptions.Singleline)]
    private static partial Regex UnparsableValue();

    [GeneratedRegex(@"^Argument '(?<value>.*)' not recognized\. Must be one of:(?<choices>.*)$", RegexOptions.Singleline)]
    private static partial Regex NotAmongChoices();

    [GeneratedRegex(@"^Required argument '.*' missing for command: '.*'\.$")]
    private static partial Regex MissingArgument();

    [GeneratedRegex(@"^Required argument missing for option: '(?<option>.*)'\.$")]
    private static partial Regex MissingOptionValue();

    [GeneratedRegex(@"^Option '(?<option>.*)' is required\.$")]
    private static partial Regex RequiredOption();

    [GeneratedRegex(@"^Option '(?<option>.*)' expects a single argument but (?<count>\d+) were provided\.$")]
    private static partial Regex SingleValue();

    [GeneratedRegex(@"^Unrecognized command or argument '(?<token>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"'(?<type>System\.[A-Za-z0-9_.`\[\], =]+)'")]
    private static partial Regex TypeName();
}
