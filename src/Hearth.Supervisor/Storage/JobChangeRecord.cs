namespace Hearth.Supervisor.Storage;

/// <summary>One change made to a job after submission: which field, from what, to what, by whom and when.</summary>
public sealed record JobChangeRecord(string Field, string From, string To, string By, DateTimeOffset At);
