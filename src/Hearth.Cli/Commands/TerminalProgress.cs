using Spectre.Console;

namespace Hearth.Cli.Commands;

/// <summary>
/// Progress for a person waiting at a terminal, drawn on stderr with Spectre.Console. Nothing is drawn when either
/// output is redirected or JSON is asked for, so scripts and pipes see exactly the plain output they always did.
/// </summary>
internal static class TerminalProgress
{
    /// <summary>The console to draw progress on, or null when progress is not wanted.</summary>
    public static IAnsiConsole? For(bool json) =>
        json || Console.IsOutputRedirected || Console.IsErrorRedirected
            ? null
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Hearth.Cli.Client.TerminalText.RawError) });

    /// <summary>A bar that counts things done of a total, with the time elapsed, cleared when it ends.</summary>
    public static Progress Counting(IAnsiConsole console) =>
        console.Progress().AutoClear(true).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn());

    /// <summary>A bar that counts bytes sent, with the rate and the time left, cleared when it ends.</summary>
    public static Progress Transfer(IAnsiConsole console) =>
        console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn());
}
