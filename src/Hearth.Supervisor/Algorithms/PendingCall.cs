using System.Diagnostics;
using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A call from its arrival to its reply. Its mutable parts change under the instance table's lock only.</summary>
internal sealed class PendingCall(CallDispatcher dispatcher, long id, byte[] request, DateTimeOffset created, DateTimeOffset deadline)
{
    public CallDispatcher Dispatcher { get; } = dispatcher;

    public long Id { get; } = id;

    public byte[] Request { get; } = request;

    public DateTimeOffset Created { get; } = created;

    public DateTimeOffset Deadline { get; } = deadline;

    public long StartedTicks { get; } = Stopwatch.GetTimestamp();

    /// <summary>The whole budget the caller gave: an instance handed the call gets this long to answer it.</summary>
    public TimeSpan Budget => Deadline - Created;

    /// <summary>When the call was handed to its instance's worker (UTC ticks), zero before.</summary>
    public long DispatchedUtcTicks
    {
        get => Volatile.Read(ref _dispatchedUtcTicks);
        set => Volatile.Write(ref _dispatchedUtcTicks, value);
    }

    private long _dispatchedUtcTicks;

    /// <summary>
    /// Completed without a hop: the reply is written by the thread that saw the answer (the worker stream's reader),
    /// which costs a short write rather than a thread switch per call. Nothing that completes it holds the lock.
    /// </summary>
    public TaskCompletionSource<CallOutcome> Done { get; } = new();

    /// <summary>Set while the call waits in the pool's queue.</summary>
    public WaitingCall? Waiting { get; set; }

    /// <summary>The instance serving it, once it has one.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The instance serving it (its build and whether a reservation holds it), once it has one.</summary>
    public AlgorithmInstance? Served { get; set; }

    public bool ColdStart { get; set; }

    /// <summary>Where the cold start this call waited for went, when it did.</summary>
    public ColdStartBreakdown? Breakdown { get; set; }

    public bool CaptureStdout { get; init; }

    /// <summary>Ends the call with <paramref name="status"/>; a call ends once, whoever comes first.</summary>
    public void Complete(CallStatus status, PipeResponse? response, string? message, string? stdout = null) =>
        Done.TrySetResult(new CallOutcome(status, response, message, ColdStart, Stopwatch.GetElapsedTime(StartedTicks), InstanceId)
        {
            Served = Served?.Template,
            Stdout = stdout,
            Breakdown = ColdStart ? Breakdown : null,
        });
}
