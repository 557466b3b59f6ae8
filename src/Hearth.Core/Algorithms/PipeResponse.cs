namespace Hearth.Core.Algorithms;

/// <summary>An algorithm's answer to one request, as read from its output pipe.</summary>
public abstract record PipeResponse;
