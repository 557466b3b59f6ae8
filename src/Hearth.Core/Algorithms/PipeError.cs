namespace Hearth.Core.Algorithms;

/// <summary>
/// The algorithm reported an error for this request: its message and, when it gave them (as Algorithmia's runners do),
/// the kind of error and the stack trace.
/// </summary>
public sealed record PipeError(string Message, string? ErrorType = null, string? Stacktrace = null) : PipeResponse;
