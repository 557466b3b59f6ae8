using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Jobs;

public static class WorkStates
{
    public static bool IsTerminal(this WorkState state) => state is WorkState.Complete or WorkState.Failed or WorkState.Killed;

    public static string ToText(this WorkState state) => state switch
    {
        WorkState.Pending => JobStates.Pending,
        WorkState.Blocked => JobStates.Blocked,
        WorkState.Running => JobStates.Running,
        WorkState.Complete => JobStates.Complete,
        WorkState.Failed => JobStates.Failed,
        _ => JobStates.Killed,
    };

    public static WorkState Parse(string text) => text switch
    {
        JobStates.Pending => WorkState.Pending,
        JobStates.Blocked => WorkState.Blocked,
        JobStates.Running => WorkState.Running,
        JobStates.Complete => WorkState.Complete,
        JobStates.Failed => WorkState.Failed,
        JobStates.Killed => WorkState.Killed,
        _ => throw new FormatException($"unknown state \"{text}\"; expected one of {string.Join(", ", JobStates.All)}"),
    };

    public static bool TryParse(string text, out WorkState state)
    {
        try
        {
            state = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            state = default;
            return false;
        }
    }
}
