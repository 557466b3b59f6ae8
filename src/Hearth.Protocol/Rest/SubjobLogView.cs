namespace Hearth.Protocol.Rest;

/// <summary>A subjob's captured output, latest attempt.</summary>
public sealed record SubjobLogView(int Id, int Attempt, string Stdout, string Stderr);
