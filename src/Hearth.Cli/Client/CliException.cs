namespace Hearth.Cli.Client;

/// <summary>A command failed in a way the user can act on; the message is the one line printed.</summary>
internal sealed class CliException(string message, int exitCode = Commands.ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
