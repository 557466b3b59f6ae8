namespace Hearth.Supervisor.Algorithms;

/// <summary>How a call ended, for the HTTP reply and the metrics.</summary>
internal enum CallStatus
{
    /// <summary>The algorithm answered with a result.</summary>
    Ok,

    /// <summary>The algorithm answered with an error (the request was handled; the algorithm refused it).</summary>
    AlgorithmError,

    /// <summary>The instance crashed, failed to load, or answered with something that is not a response.</summary>
    InstanceFailed,

    /// <summary>The call ran past its timeout; the instance was stopped.</summary>
    TimedOut,

    /// <summary>No instance became free (and none could start) before the call's timeout.</summary>
    NoCapacity,

    /// <summary>The supervisor is stopping or the worker was lost.</summary>
    Unavailable,

    /// <summary>The caller has no instance that could serve it and its max-instances quota allows no other.</summary>
    OverQuota,
}
