namespace Hearth.Protocol.Rest;

/// <summary>
/// An ended attempt of a subjob that ran again: where it ran and how it ended (<c>failed</c>, <c>killed</c> or
/// <c>lost</c>, when its worker was). Its output stays readable with the logs' attempt parameter.
/// </summary>
public sealed record AttemptView(int Attempt, string Outcome, string? Host, int? ExitCode, string? Error, DateTimeOffset? StartedAt, DateTimeOffset At);
