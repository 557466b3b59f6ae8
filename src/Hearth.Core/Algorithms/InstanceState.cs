namespace Hearth.Core.Algorithms;

/// <summary>An instance's lifecycle: starting (cold) → idle (warm) ⇄ busy → stopping.</summary>
public enum InstanceState
{
    /// <summary>Waiting for placement (no worker yet) or loading on its worker.</summary>
    Starting,

    Idle,

    Busy,

    Stopping,
}
