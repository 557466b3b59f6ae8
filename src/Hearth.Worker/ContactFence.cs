namespace Hearth.Worker;

/// <summary>
/// When this worker must stop its work because it may have been given up. The supervisor declares a worker down
/// (and requeues its work) once it has not heard from it for its heartbeat timeout plus a margin, by its own
/// clock. The worker cannot see that clock, but it knows when it sent each message the supervisor confirmed:
/// the supervisor heard that message no earlier than it was sent. So the worker's deadline is the send time
/// of the last confirmed message plus the heartbeat timeout, by the worker's monotonic clock, which always
/// falls before the supervisor's, leaving the margin to end the processes. Thread-safe.
/// </summary>
internal sealed class ContactFence(TimeProvider time)
{
    private const int PendingKept = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, long> _pending = [];
    private readonly Queue<long> _pendingOrder = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextSequence;
    private long _confirmedAt;
    private TimeSpan? _timeout;
    private bool _expired;

    /// <summary>The supervisor's timeout, known after the first registration with a supervisor that fences.</summary>
    public TimeSpan? Timeout
    {
        get
        {
            lock (_lock)
            {
                return _timeout;
            }
        }
    }

    /// <summary>How long the supervisor waits beyond its timeout: the most the worker may take to end its processes.</summary>
    public TimeSpan Margin { get; private set; }

    /// <summary>The deadline passed and no confirmation has come since: nothing new may start until one does.</summary>
    public bool Expired
    {
        get
        {
            lock (_lock)
            {
                return _expired;
            }
        }
    }

    /// <summary>A monotonic timestamp taken just before a registration is sent.</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>The supervisor accepted a registration sent at <paramref name="sentAt"/>. A zero timeout means a supervisor that does not fence.</summary>
    public void Registered(long sentAt, TimeSpan timeout, TimeSpan margin)
    {
        lock (_lock)
        {
            _timeout = timeout > TimeSpan.Zero ? timeout : null;
            Margin = margin;
            _pending.Clear();
            _pendingOrder.Clear();
            ConfirmLocked(sentAt);
        }
    }

    /// <summary>A sequence number for a heartbeat about to be posted, with the moment it was posted.</summary>
    public long NextHeartbeat()
    {
        lock (_lock)
        {
            var sequence = ++_nextSequence;
            _pending[sequence] = time.GetTimestamp();
            _pendingOrder.Enqueue(sequence);
            while (_pendingOrder.Count > PendingKept)
            {
                _pending.Remove(_pendingOrder.Dequeue());
            }

            return sequence;
        }
    }

    /// <summary>The supervisor counted heartbeat <paramref name="sequence"/>.</summary>
    public void Acknowledged(long sequence)
    {
        lock (_lock)
        {
            if (_pending.Remove(sequence, out var sentAt))
            {
                ConfirmLocked(sentAt);
            }
        }
    }

    /// <summary>Time left before the deadline (zero or less once it has passed), or null when there is nothing to wait for.</summary>
    public TimeSpan? Remaining()
    {
        lock (_lock)
        {
            return _timeout is { } timeout && !_expired ? timeout - time.GetElapsedTime(_confirmedAt) : null;
        }
    }

    /// <summary>Records that the deadline passed; true the first time since the last confirmation.</summary>
    public bool Expire()
    {
        lock (_lock)
        {
            if (_expired || _timeout is not { } timeout || time.GetElapsedTime(_confirmedAt) < timeout)
            {
                return false;
            }

            _expired = true;
            return true;
        }
    }

    /// <summary>Completes at the next confirmation or registration (which may move the deadline or end an expiry).</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    private void ConfirmLocked(long sentAt)
    {
        // Confirmations may arrive out of order (a registration's after a later heartbeat's): keep the latest send.
        _confirmedAt = Math.Max(_confirmedAt, sentAt);

        _expired = false;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
