using Hearth.Core.Frames;

namespace Hearth.Supervisor.Frames;

/// <summary>
/// What an agenda job was submitted with, checked: how its range is cut into items (<paramref name="Plan"/>, from
/// <paramref name="RangeText"/> as written), how a failed item is retried, and the job whose frames it waits for.
/// </summary>
public sealed record AgendaSpec(string RangeText, AgendaPlan Plan, int RetryWork, TimeSpan RetryWorkDelay, long? FrameByFrame)
{
    public const int MaxRetryWork = 100;
}
