namespace Hearth.Supervisor.Frames;

/// <summary>What <c>frames ACTION JOB [RANGE]</c> does to the items holding those frames.</summary>
public enum FrameAction
{
    /// <summary>Ended items run again; without a range, every failed one.</summary>
    Retry,

    /// <summary>Marked complete without running.</summary>
    Complete,

    /// <summary>Pending items are held back.</summary>
    Block,

    Unblock,

    /// <summary>Waiting items are killed, running ones stopped.</summary>
    Kill,
}
