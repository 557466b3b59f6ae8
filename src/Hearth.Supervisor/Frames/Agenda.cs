using Hearth.Core.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Frames;

/// <summary>
/// An agenda job's work items with the pending ones in hand-out order, and counts by state. Only the loop touches it.
/// </summary>
public sealed class Agenda
{
    private readonly WorkItem[] _items;
    private readonly SortedSet<int> _pending = [];
    private readonly int[] _counts = new int[ItemStates.All.Count];

    /// <summary>True once any item has been handed out.</summary>
    private bool _started;

    internal Agenda(long jobId, AgendaSpec spec, IReadOnlyList<FrameChunk> chunks)
    {
        JobId = jobId;
        Spec = spec;
        _items = new WorkItem[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            _items[i] = new WorkItem(jobId, i, chunks[i]);
            _pending.Add(i);
        }

        _counts[(int)ItemState.Pending] = chunks.Count;
    }

    /// <summary>Which item holds each frame; built on first use, by frame actions and frame-by-frame jobs.</summary>
    private Dictionary<int, int>? _itemOfFrame;

    public long JobId { get; }

    public AgendaSpec Spec { get; }

    public IReadOnlyList<WorkItem> Items => _items;

    /// <summary>Pending items, retries waiting out a delay included.</summary>
    public int PendingCount => _counts[(int)ItemState.Pending];

    public int Count(ItemState state) => _counts[(int)state];

    public IReadOnlyDictionary<string, int> Counts()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _counts.Length; i++)
        {
            counts[ItemStates.All[i]] = _counts[i];
        }

        return counts;
    }

    /// <summary>The item holding <paramref name="frame"/>, if any.</summary>
    public WorkItem? ItemOf(int frame)
    {
        if (_itemOfFrame is null)
        {
            _itemOfFrame = [];
            foreach (var item in _items)
            {
                foreach (var f in item.Chunk.Frames)
                {
                    _itemOfFrame[f] = item.Index;
                }
            }
        }

        return _itemOfFrame.TryGetValue(frame, out var index) ? _items[index] : null;
    }

    /// <summary>Changes an item through <paramref name="change"/>, keeping the counts and the pending set in step.</summary>
    internal void Change(WorkItem item, Action<WorkItem> change)
    {
        var before = item.State;
        change(item);
        _started |= item.Attempt > 0;
        if (item.State == before)
        {
            return;
        }

        _counts[(int)before]--;
        _counts[(int)item.State]++;
        if (before == ItemState.Pending)
        {
            _pending.Remove(item.Index);
        }

        if (item.State == ItemState.Pending)
        {
            _pending.Add(item.Index);
        }
    }

    /// <summary>
    /// The next pending item a subjob on <paramref name="host"/> may run now: the first in hand-out order whose retry
    /// delay has passed and whose frames are ready, preferring one that did not fail on this host unless
    /// <paramref name="onlyHost"/> says no other host runs the job.
    /// </summary>
    internal WorkItem? Next(string host, bool onlyHost, DateTimeOffset now, Func<WorkItem, bool> ready)
    {
        WorkItem? avoided = null;
        foreach (var index in _pending)
        {
            var item = _items[index];
            if (item.RetryAt is { } at && at > now)
            {
                continue;
            }

            if (!ready(item))
            {
                continue;
            }

            if (item.AvoidHost == host && !onlyHost)
            {
                avoided ??= item;
                continue;
            }

            return item;
        }

        return onlyHost ? avoided : null;
    }

    /// <summary>How many pending items could run now (retry delay passed, frames ready), counting up to <paramref name="enough"/>.</summary>
    internal int Runnable(DateTimeOffset now, int enough, Func<WorkItem, bool> ready)
    {
        var n = 0;
        foreach (var index in _pending)
        {
            var item = _items[index];
            if ((item.RetryAt is not { } at || at <= now) && ready(item) && ++n >= enough)
            {
                break;
            }
        }

        return n;
    }

    /// <summary>
    /// The job's state as its items make it, once no subjob runs: running while items remain to run after some have
    /// ended, blocked while only blocked ones remain, else killed, failed or complete by the ended items.
    /// </summary>
    internal WorkState Derive(bool subjobRunning, bool waiting)
    {
        var open = Count(ItemState.Pending) + Count(ItemState.Running);
        if (subjobRunning || Count(ItemState.Running) > 0)
        {
            return WorkState.Running;
        }

        if (open > 0)
        {
            return _items.Length - open - Count(ItemState.Blocked) > 0 || _started ? WorkState.Running
                : waiting ? WorkState.Blocked : WorkState.Pending;
        }

        return Count(ItemState.Blocked) > 0 ? WorkState.Blocked
            : Count(ItemState.Killed) > 0 ? WorkState.Killed
            : Count(ItemState.Failed) > 0 ? WorkState.Failed
            : WorkState.Complete;
    }

    internal AgendaRecord ToRecord() => new(
        JobId, Spec.RangeText, Spec.Plan.Chunk, Spec.Plan.Padding, AgendaPlan.OrderText(Spec.Plan.Order), Spec.RetryWork,
        (long)Spec.RetryWorkDelay.TotalMilliseconds, Spec.FrameByFrame);

    internal static AgendaSpec SpecOf(AgendaRecord record) => new(
        record.Range, AgendaPlan.Parse(record.Range, record.Chunk, record.Padding, record.Order), record.RetryWork,
        TimeSpan.FromMilliseconds(record.RetryWorkDelayMs), record.FrameByFrame);

    /// <summary>An agenda as stored: the items are cut again from the spec, and take their stored state.</summary>
    internal static Agenda Restore(AgendaDetails details)
    {
        var spec = SpecOf(details.Agenda);
        var agenda = new Agenda(details.Agenda.JobId, spec, spec.Plan.Items());
        foreach (var record in details.Items)
        {
            if (record.Index >= 0 && record.Index < agenda._items.Length)
            {
                var item = agenda._items[record.Index];
                agenda.Change(item, i => i.Restore(record));
            }
        }

        return agenda;
    }
}
