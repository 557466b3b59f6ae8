namespace Hearth.Protocol.Rest;

/// <summary>
/// One work item of an agenda job: named <c>F</c> or <c>F1-F2</c> after its <paramref name="First"/> and
/// <paramref name="Last"/> frames, with the subjob, host and times of its latest attempt.
/// </summary>
public sealed record FrameView(
    string Name,
    int First,
    int Last,
    IReadOnlyList<int> Frames,
    string State,
    int? Subjob,
    string? Host,
    int Attempt,
    int? ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
