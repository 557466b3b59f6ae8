using Hearth.Core.Algorithms;

namespace Hearth.Worker.Algorithms;

/// <summary>A call's ending: the response line on <see cref="CallOutcome.Replied"/>, else a message saying what happened.</summary>
internal sealed record InstanceReply(CallOutcome Outcome, byte[]? Line, string? Failure)
{
    /// <summary>What the instance printed on stdout while serving the call, when the call asked for it.</summary>
    public string? Stdout { get; init; }

    public PipeResponse Parse() => Line is null ? new PipeMalformed(Failure ?? "no response") : PipeProtocol.ParseResponse(Line);
}
