namespace Hearth.Core.Algorithms;

/// <summary>A line on the output pipe that is not a response; the message says what is wrong with it.</summary>
public sealed record PipeMalformed(string Message) : PipeResponse;
