namespace Hearth.Supervisor.Frames;

public static class ItemStates
{
    public static readonly IReadOnlyList<string> All = ["pending", "running", "complete", "failed", "blocked", "killed"];

    public static bool IsEnded(this ItemState state) => state is ItemState.Complete or ItemState.Failed or ItemState.Killed;

    public static string ToText(this ItemState state) => All[(int)state];

    public static bool TryParse(string? text, out ItemState state)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], text, StringComparison.Ordinal))
            {
                state = (ItemState)i;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static ItemState Parse(string text) =>
        TryParse(text, out var state) ? state : throw new FormatException($"unknown item state \"{text}\"; expected one of {string.Join(", ", All)}");
}
