namespace Hearth.Supervisor.Jobs;

/// <summary>
/// Part of a subjob attempt's output, for the job page's live tail: its text, the chunk to follow on from, and whether
/// the attempt has ended, so that nothing more will come.
/// </summary>
public sealed record LogTail(int Attempt, long Last, string Text, bool Ended)
{
    /// <summary>How many chunks one read returns at most: a tail's first look, or one step of following it.</summary>
    public const int MaxChunks = 200;
}
