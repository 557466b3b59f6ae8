namespace Hearth.Worker.Algorithms;

/// <summary>One line of an instance's log.</summary>
internal sealed record InstanceLogLine(DateTimeOffset At, LogStream Stream, string Text);
