using System.Globalization;
using System.Text;
using Google.Protobuf;
using Hearth.Protocol.Workers;
using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

/// <summary>
/// Messages for the supervisor, in order, waiting for a connection; it outlives connections. Control messages
/// (exits, instance reports, call results) are always kept. Subjob output is kept up to a byte limit: beyond it,
/// the oldest pending output of the subjob with the most pending is dropped, and one marker chunk on that
/// subjob's stderr, where the gap is, says how many bytes went.
/// <para>
/// The oldest output goes, not the newest, because a job's last words (the error before it failed, the summary at
/// its end) matter most, and the supervisor's log tail and <c>hearth logs</c> show the end. The subjob with the most
/// pending loses it, so a quiet subjob's few lines are not lost to a noisy neighbour.
/// </para>
/// One reader (the connection's sender) and any number of writers. A message leaves only once it is written, so a
/// broken connection loses nothing queued.
/// </summary>
internal sealed partial class Outbox(long outputLimitBytes, ILogger logger)
{
    /// <summary>What a dropped chunk holds instead of its data, which is let go at once.</summary>
    private static readonly WorkerMessage Dropped = new();

    private readonly ILogger _logger = logger;
    private readonly Lock _gate = new();
    private Queue<Slot> _queue = new();
    private readonly Dictionary<string, SubjobOutput> _subjobs = new(StringComparer.Ordinal);
    private TaskCompletionSource _posted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _outputBytes;
    private long _droppedBytes;
    private int _droppedSlots;

    public long OutputLimitBytes { get; } = outputLimitBytes;

    /// <summary>Bytes of subjob output waiting, never more than the limit and one chunk being written.</summary>
    public long PendingOutputBytes
    {
        get
        {
            lock (_gate)
            {
                return _outputBytes;
            }
        }
    }

    /// <summary>Bytes of subjob output dropped since the worker started.</summary>
    public long DroppedOutputBytes
    {
        get
        {
            lock (_gate)
            {
                return _droppedBytes;
            }
        }
    }

    /// <summary>Slots in the queue, dropped chunks still holding a place included; at most about twice the live ones.</summary>
    internal int QueuedSlots
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a message that must reach the supervisor.</summary>
    public void Post(WorkerMessage message) => Enqueue(new Slot(message, null, 0));

    /// <summary>Queues a chunk of a subjob's output, dropping older output when the limit is passed.</summary>
    public void PostOutput(string assignmentId, OutputStream stream, byte[] data)
    {
        var message = new WorkerMessage { Log = new LogChunk { AssignmentId = assignmentId, Stream = stream, Data = UnsafeByteOperations.UnsafeWrap(data) } };
        Enqueue(new Slot(message, assignmentId, data.Length));
    }

    private void Enqueue(Slot slot)
    {
        List<string>? gapsOpened = null;
        TaskCompletionSource posted;
        lock (_gate)
        {
            _queue.Enqueue(slot);
            if (slot.AssignmentId is { } id)
            {
                if (!_subjobs.TryGetValue(id, out var subjob))
                {
                    _subjobs[id] = subjob = new SubjobOutput();
                }

                subjob.Pending.Enqueue(slot);
                subjob.Bytes += slot.Bytes;
                _outputBytes += slot.Bytes;
                while (_outputBytes > OutputLimitBytes && TryDropOldestOfLargest(out var openedGap))
                {
                    if (openedGap is not null)
                    {
                        (gapsOpened ??= []).Add(openedGap);
                    }
                }

                CompactIfMostlyDropped();
            }

            posted = _posted;
        }

        posted.TrySetResult();
        foreach (var gap in gapsOpened ?? [])
        {
            LogOutputDropping(gap, OutputLimitBytes);
        }
    }

    /// <summary>
    /// Drops the oldest droppable chunk of the subjob with the most pending output; false when nothing can be dropped.
    /// <paramref name="openedGap"/> names the subjob when this began a new gap, whose marker the chunk becomes.
    /// </summary>
    private bool TryDropOldestOfLargest(out string? openedGap)
    {
        openedGap = null;
        var (id, subjob) = _subjobs.Where(s => s.Value.Bytes > 0).MaxBy(s => s.Value.Bytes);
        if (subjob is null)
        {
            return false;
        }

        var slot = subjob.Pending.Dequeue();
        subjob.Bytes -= slot.Bytes;
        _outputBytes -= slot.Bytes;
        _droppedBytes += slot.Bytes;
        if (subjob.Marker is { } marker)
        {
            // The marker stands right before this subjob's pending chunks, so the gap stays one gap.
            marker.DroppedBytes += slot.Bytes;
            slot.Dropped = true;
            slot.Message = Dropped;
            _droppedSlots++;
            return true;
        }

        slot.DroppedBytes = slot.Bytes;
        slot.Bytes = 0;
        slot.IsMarker = true;
        slot.Message = Dropped;
        subjob.Marker = slot;
        openedGap = id;
        return true;
    }

    /// <summary>
    /// Dropped chunks leave the queue on their own only when they reach its head, which takes a connection; without
    /// one the queue would grow by a slot per chunk. Rebuilding it once they outnumber the live slots keeps it within
    /// twice the live ones, at an amortised constant cost per drop.
    /// </summary>
    private void CompactIfMostlyDropped()
    {
        if (_droppedSlots <= _queue.Count - _droppedSlots)
        {
            return;
        }

        _queue = new Queue<Slot>(_queue.Where(slot => !slot.Dropped));
        _droppedSlots = 0;
    }

    /// <summary>Waits until a message is queued; false never (the outbox is not closed), cancelled with the connection.</summary>
    public async Task<bool> WaitToReadAsync(CancellationToken cancellation)
    {
        Task posted;
        lock (_gate)
        {
            if (First() is not null)
            {
                return true;
            }

            if (_posted.Task.IsCompleted)
            {
                _posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            posted = _posted.Task;
        }

        await posted.WaitAsync(cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>The next message to write; it is no longer dropped, and stays first until <see cref="Advance"/>.</summary>
    public bool TryPeek(out WorkerMessage message)
    {
        (string Assignment, long Bytes)? markerSent = null;
        lock (_gate)
        {
            if (First() is not { } slot)
            {
                message = null!;
                return false;
            }

            if (!slot.Peeked)
            {
                slot.Peeked = true;
                if (slot.AssignmentId is { } id && _subjobs.TryGetValue(id, out var subjob))
                {
                    if (slot.IsMarker)
                    {
                        slot.Message = Marker(id, slot.DroppedBytes);
                        subjob.Marker = null;
                        markerSent = (id, slot.DroppedBytes);
                    }
                    else if (subjob.Pending.TryPeek(out var oldest) && ReferenceEquals(oldest, slot))
                    {
                        subjob.Pending.Dequeue();
                        subjob.Bytes -= slot.Bytes;
                    }

                    if (subjob.Pending.Count == 0 && subjob.Marker is null)
                    {
                        _subjobs.Remove(id);
                    }
                }
            }

            message = slot.Message;
        }

        if (markerSent is var (assignment, bytes))
        {
            LogOutputDropped(assignment, bytes);
        }

        return true;
    }

    /// <summary>The peeked message was written: it leaves the outbox.</summary>
    public void Advance(WorkerMessage written)
    {
        lock (_gate)
        {
            if (First() is { } slot && ReferenceEquals(slot.Message, written))
            {
                _queue.Dequeue();
                _outputBytes -= slot.Bytes;
            }
        }
    }

    /// <summary>The first message still to send, skipping dropped chunks.</summary>
    private Slot? First()
    {
        while (_queue.TryPeek(out var slot))
        {
            if (!slot.Dropped)
            {
                return slot;
            }

            _queue.Dequeue();
            _droppedSlots--;
        }

        return null;
    }

    /// <summary>The text that takes the place of dropped output in a job's log.</summary>
    public static string MarkerText(long droppedBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"[hearth: {droppedBytes} bytes of output dropped while waiting for the supervisor]\n");

    private static WorkerMessage Marker(string assignmentId, long droppedBytes) => new()
    {
        Log = new LogChunk { AssignmentId = assignmentId, Stream = OutputStream.Stderr, Data = ByteString.CopyFrom(MarkerText(droppedBytes), Encoding.UTF8) },
    };

    private sealed class Slot(WorkerMessage message, string? assignmentId, long bytes)
    {
        public WorkerMessage Message { get; set; } = message;

        /// <summary>The subjob attempt whose output this is; null for a control message.</summary>
        public string? AssignmentId { get; } = assignmentId;

        /// <summary>Output bytes it holds that count against the limit.</summary>
        public long Bytes { get; set; } = bytes;

        public bool Peeked { get; set; }

        public bool Dropped { get; set; }

        /// <summary>A dropped chunk kept in place as the marker of its subjob's gap.</summary>
        public bool IsMarker { get; set; }

        public long DroppedBytes { get; set; }
    }

    private sealed class SubjobOutput
    {
        /// <summary>Its output chunks that may still be dropped, oldest first.</summary>
        public Queue<Slot> Pending { get; } = new();

        public long Bytes { get; set; }

        /// <summary>The marker of the gap in front of <see cref="Pending"/>, while it can still grow.</summary>
        public Slot? Marker { get; set; }
    }
}
