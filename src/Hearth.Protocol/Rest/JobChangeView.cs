namespace Hearth.Protocol.Rest;

/// <summary>One change made to a job after submission.</summary>
public sealed record JobChangeView(string Field, string From, string To, string By, DateTimeOffset At);
