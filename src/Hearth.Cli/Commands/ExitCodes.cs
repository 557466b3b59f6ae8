namespace Hearth.Cli.Commands;

/// <summary>Process exit codes shared by every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed: a job failed, a call was refused, the supervisor could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>The input was invalid: a bad reservation string, a malformed file, a bad option.</summary>
    public const int InvalidInput = 2;

    /// <summary>A wait gave up at its timeout: the work goes on, and a script can tell that from a failure.</summary>
    public const int TimedOut = 3;
}
