namespace Hearth.Worker.Algorithms;

/// <summary>How a call on an instance ended.</summary>
internal enum CallOutcome
{
    /// <summary>A response line arrived on the output pipe.</summary>
    Replied,

    /// <summary>The process exited while the call was in flight.</summary>
    Crashed,

    /// <summary>No response within the call's timeout; the process was killed.</summary>
    TimedOut,

    /// <summary>The instance was stopped while the call was in flight.</summary>
    Stopped,
}
