using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// How the instance pool reaches the shared ledger. Instance work is placed by the same scheduling loop and
/// placement engine as jobs, so jobs and instances never over-commit; these calls post to that loop.
/// </summary>
internal interface IInstanceLedger
{
    /// <summary>Queues the instances' work (their manifest reservations) for placement.</summary>
    void Submit(IReadOnlyList<AlgorithmInstance> instances);

    /// <summary>Returns what the instance holds, or takes its work out of the queue if it was never placed.</summary>
    void Release(string instanceId);

    /// <summary>Asks the loop to run the warm-pool policy soon (a call's deadline or an idle timeout moved).</summary>
    void Nudge();
}

/// <summary>How the instance pool reaches workers: messages on their streams. False when the worker is not connected.</summary>
internal interface IInstanceTransport
{
    bool Start(string worker, AlgorithmInstance instance, InstanceLaunchInfo launch);

    bool Call(string worker, string instanceId, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false);

    bool Stop(string worker, string instanceId, TimeSpan grace);
}

/// <summary>What a worker needs to start an instance, beyond the pool's own record of it.</summary>
internal sealed record InstanceLaunchInfo(IReadOnlyList<string> Entrypoint, string? ArchiveSha256, TimeSpan LoadTimeout);

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
}

/// <summary>A finished call: its status, the algorithm's response or a message, and what the reply's metadata needs.</summary>
internal sealed record CallOutcome(CallStatus Status, PipeResponse? Response, string? Message, bool ColdStart, TimeSpan Duration, string? InstanceId)
{
    /// <summary>The build that served the call: the one asked for, or a previous one a rolling reservation kept warm.</summary>
    public InstanceTemplate? Served { get; init; }

    /// <summary>What the instance printed on stdout while serving the call, when the call asked for it.</summary>
    public string? Stdout { get; init; }

    /// <summary>Where the cold start went, for the call that waited for it.</summary>
    public ColdStartBreakdown? Breakdown { get; init; }

    public int HttpStatus => Status switch
    {
        CallStatus.Ok => 200,
        // As Algorithmia answers: the platform did its job, and the body carries the algorithm's error.
        CallStatus.AlgorithmError => 200,
        CallStatus.InstanceFailed => 502,
        CallStatus.TimedOut => 504,
        _ => 503,
    };
}
