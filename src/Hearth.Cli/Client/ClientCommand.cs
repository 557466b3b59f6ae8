using Hearth.Cli.Commands;

namespace Hearth.Cli.Client;

/// <summary>
/// Runs a client command: one <see cref="SupervisorClient"/>, every failure as one line on stderr, and nothing from
/// the supervisor printed with its control characters raw (<see cref="TerminalText"/>).
/// </summary>
internal static class ClientCommand
{
    public static async Task<int> RunAsync(Func<SupervisorClient, Task<int>> action)
    {
        TerminalText.Guard();
        try
        {
            using var client = SupervisorClient.FromEnvironment();
            return await action(client).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            return Output.Error(e.Message, e.ExitCode);
        }
    }

    /// <summary>Job IDs are positive integers; anything else is refused before asking the supervisor.</summary>
    public static long ParseJobId(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var job = dot < 0 ? text : text[..dot];
        return long.TryParse(job, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new CliException($"\"{text}\" is not a job ID: job IDs are positive integers, e.g. 12", ExitCodes.InvalidInput);
    }
}
