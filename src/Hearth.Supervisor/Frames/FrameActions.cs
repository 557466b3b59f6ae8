namespace Hearth.Supervisor.Frames;

public static class FrameActions
{
    public static readonly IReadOnlyList<string> All = ["retry", "complete", "block", "unblock", "kill"];

    public static string ToText(this FrameAction action) => All[(int)action];

    public static bool TryParse(string? text, out FrameAction action)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], text, StringComparison.Ordinal))
            {
                action = (FrameAction)i;
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>Whether the action applies to an item in <paramref name="state"/>; <paramref name="named"/> is false when no range was given.</summary>
    public static bool AppliesTo(this FrameAction action, ItemState state, bool named) => action switch
    {
        FrameAction.Retry => named ? state.IsEnded() : state == ItemState.Failed,
        FrameAction.Complete => state is not (ItemState.Running or ItemState.Complete),
        FrameAction.Block => state == ItemState.Pending,
        FrameAction.Unblock => state == ItemState.Blocked,
        _ => state is ItemState.Pending or ItemState.Blocked or ItemState.Running,
    };

    /// <summary>The states the action takes, for the message when no item is in one.</summary>
    public static string Takes(this FrameAction action, bool named) => action switch
    {
        FrameAction.Retry => named ? "complete, failed or killed" : "failed",
        FrameAction.Complete => "pending, failed, blocked or killed",
        FrameAction.Block => "pending",
        FrameAction.Unblock => "blocked",
        _ => "pending, blocked or running",
    };
}
