namespace Hearth.Protocol.Rest;

/// <summary>Job and subjob states, as the API spells them.</summary>
public static class JobStates
{
    public const string Pending = "pending";

    /// <summary>A job waiting for the jobs it depends on to complete; its subjobs are not queued yet.</summary>
    public const string Blocked = "blocked";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Failed = "failed";
    public const string Killed = "killed";

    public static readonly IReadOnlyList<string> All = [Pending, Blocked, Running, Complete, Failed, Killed];

    public static bool IsTerminal(string state) => state is Complete or Failed or Killed;
}
