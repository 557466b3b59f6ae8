namespace Hearth.Worker.Algorithms;

/// <summary>Which stream a log line came from.</summary>
internal enum LogStream
{
    Stdout,
    Stderr,
    Worker,
}
