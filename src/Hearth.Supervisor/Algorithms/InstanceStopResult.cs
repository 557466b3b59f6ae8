namespace Hearth.Supervisor.Algorithms;

/// <summary>What an operator's stop of one instance did.</summary>
internal enum InstanceStopResult
{
    Stopping,
    AlreadyStopping,
    Busy,
    NotFound,
}
